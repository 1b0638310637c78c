package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A killed test run's root is swept before the next run's daemons start (a real runc container with its
 * rootfs on a mount of its own, and a process naming the root, as its tallyd would); a live run's root,
 * and a young root that names no owner, are left as they are.
 */
class DeadRunsTest {

    private final Path tmp = Files.createTempDirectory(Path.of("/tmp"), "dead-runs-test");
    private final Path dead = tmp.resolve(DeadRuns.PREFIX + "-dead");
    private final Path live = tmp.resolve(DeadRuns.PREFIX + "-live");
    private final Path unmarked = tmp.resolve(DeadRuns.PREFIX + "-unmarked");
    private Process namer;

    DeadRunsTest() throws Exception {
    }

    @AfterEach
    void cleanUp() {
        if (namer != null) {
            namer.destroyForcibly();
        }
        Daemon.exec(List.of("runc", "--root", dead.resolve("run/runc").toString(), "delete", "-f", "left"), Map.of());
        for (Path root : List.of(dead, live, unmarked)) {
            DeadRuns.mountsUnder(root).forEach(m -> Daemon.exec(List.of("umount", "-l", m), Map.of()));
        }
        Daemon.exec(List.of("rm", "-rf", "--one-file-system", tmp.toString()), Map.of());
    }

    @Test
    void aDeadRunsContainersMountsProcessesAndRootAreSweptAndNothingOfALiveRun() throws Exception {
        Process jvm = new ProcessBuilder("sleep", "600").start();
        String gone = DeadRuns.token(jvm.toHandle());
        jvm.destroyForcibly();
        jvm.waitFor(30, TimeUnit.SECONDS);
        Path bundle = dead.resolve("data/containers/left");
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(dead.resolve(DeadRuns.OWNER), gone);
        mountTmpfs(bundle.resolve("rootfs"));
        long container = runcContainer(bundle, dead.resolve("run/runc"));
        namer = new ProcessBuilder("sh", "-c", "sleep 600", dead.resolve("data").toString()).start();
        Files.createDirectories(live.resolve("data"));
        DeadRuns.own(live);
        mountTmpfs(live.resolve("data"));
        Files.createDirectories(unmarked.resolve("data"));
        assertTrue(DeadRuns.dead(dead));
        assertFalse(DeadRuns.dead(live));
        assertFalse(DeadRuns.dead(unmarked), "young, and named by no owner");

        assertEquals(List.of(dead), DeadRuns.sweep(tmp));

        assertFalse(Files.exists(dead), "the dead run's root is removed");
        assertEquals(List.of(), DeadRuns.mountsUnder(dead));
        assertTrue(namer.waitFor(30, TimeUnit.SECONDS), "the process that named the dead root is ended");
        assertTrue(ProcessHandle.of(container).map(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join())
                .map(p -> !p.isAlive()).orElse(true), "its container's process is ended");
        assertTrue(Files.exists(live.resolve("data")));
        assertEquals(List.of(live.resolve("data").toString()), DeadRuns.mountsUnder(live), "the live run's mount stays");
        assertTrue(Files.exists(unmarked.resolve("data")));
    }

    @Test
    void anUnmarkedRootIsSweptOnlyWhenOldAndNamedByNoProcess() throws Exception {
        Files.createDirectories(unmarked.resolve("data"));
        Files.setLastModifiedTime(unmarked, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(DeadRuns.UNMARKED_AGE).minus(Duration.ofMinutes(1))));
        namer = new ProcessBuilder("sh", "-c", "sleep 600", unmarked.resolve("data").toString()).start();
        assertFalse(DeadRuns.dead(unmarked), "a process names it");
        namer.destroyForcibly();
        namer.waitFor(30, TimeUnit.SECONDS);
        assertTrue(DeadRuns.dead(unmarked));
    }

    private static void mountTmpfs(Path at) {
        assertEquals(0, Daemon.exec(List.of("mount", "-t", "tmpfs", "tally-dead-runs-test", at.toString()), Map.of()).code());
    }

    /** A busybox sleep in a real runc container of this bundle; its process's pid. */
    private static long runcContainer(Path bundle, Path runcRoot) throws Exception {
        Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), bundle.resolve("rootfs/bin/busybox"));
        assertEquals(0, Daemon.exec(List.of("runc", "spec", "--bundle", bundle.toString()), Map.of()).code());
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"terminal\": true", "\"terminal\": false")
                .replace("\"sh\"", "\"/bin/busybox\", \"sleep\", \"600\""));
        Daemon.Result run = Daemon.exec(List.of("runc", "--root", runcRoot.toString(), "run", "-d", "--bundle",
                bundle.toString(), "left"), Map.of());
        assertEquals(0, run.code(), run.err());
        Daemon.Result state = Daemon.exec(List.of("runc", "--root", runcRoot.toString(), "state", "left"), Map.of());
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\"pid\": *([0-9]+)").matcher(state.out());
        assertTrue(pid.find(), state.out());
        return Long.parseLong(pid.group(1));
    }
}
