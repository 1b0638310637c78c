package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** kill -9 of tallyd with containers running: they live on, and the log catches up at restart. */
class CrashRecoveryIT {

    @Test
    void containersOutliveACrashAndExitsDuringTheOutageAreRecorded(@BusyboxDaemon Daemon daemon) throws Exception {
        Daemon.Result survivor = daemon.tally("run", "-d", "--name", "survivor", "busybox", "sleep", "300");
        assertEquals(0, survivor.code(), survivor.err() + daemon.log());
        Daemon.Result shortLived = daemon.tally("run", "-d", "--name", "short", "busybox", "sh", "-c",
                "while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 7");
        assertEquals(0, shortLived.code(), shortLived.err() + daemon.log());

        daemon.crash();
        // While tallyd is down, 'short' is told to finish; its monitor records the exit.
        assertEquals(0, Daemon.exec(java.util.List.of("runc", "--root", daemon.root.resolve("run/runc").toString(),
                "exec", idOf(daemon, "short"), "touch", "/tmp/go"), java.util.Map.of()).code());
        await().atMost(Duration.ofSeconds(20)).until(() -> java.nio.file.Files.exists(
                daemon.root.resolve("data/exits/" + idOf(daemon, "short"))));

        daemon.start();
        Daemon.Result ps = daemon.tally("ps", "-a", "--format", "{{.Names}} {{.Status}}");
        assertTrue(ps.out().contains("survivor Up"), ps.out());
        assertTrue(ps.out().contains("short Exited (7)"), ps.out() + daemon.log());
        Daemon.Result events = daemon.tally("events", "--since", "0", "--until", "0s", "--filter", "container=short");
        assertTrue(events.out().contains(" die ") && events.out().contains("exitCode=7"), events.out());
        assertEquals(0, daemon.tally("stop", "-t", "1", "survivor").code(), "an adopted container can be stopped");
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.tally("ps", "-a", "--format", "{{.Names}} {{.State}}")
                .out().contains("survivor exited"));
    }

    /**
     * Issue 11: killed while containers were being started and were ending, tallyd refused to come
     * back ("cannot record a failed start … it is exited"): its reconciler decided from a list read
     * before the exits the monitors reported meanwhile. Three kills at different points of a stream
     * of short runs; after each restart every acknowledged container is known and the log verifies.
     */
    @Test
    void tallydComesBackAfterAKillDuringAStreamOfShortRuns(@BusyboxDaemon Daemon daemon) throws Exception {
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        ExecutorService runs = Executors.newSingleThreadExecutor();
        try {
            for (int round = 1; round <= 3; round++) {
                int killAt = acknowledged.size() + 2 * round;
                Future<?> stream = runs.submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        Daemon.Result run = daemon.docker("run", "-d", "busybox", "sh", "-c", "sleep 0.3");
                        if (run.code() != 0) {
                            return; // the daemon was killed under it
                        }
                        acknowledged.add(run.out().strip());
                    }
                });
                await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= killAt || stream.isDone());
                daemon.crash();
                stream.get(120, TimeUnit.SECONDS);
                daemon.start();
                Daemon.Result ps = daemon.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}");
                for (String id : acknowledged) {
                    assertTrue(ps.out().contains(id), "round " + round + ": " + id + " is lost\n" + ps.out() + daemon.log());
                }
            }
        } finally {
            runs.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.docker("ps", "-q").out().isBlank());
        Daemon.Result verify = daemon.tally("audit", "verify");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertFalse(daemon.log().contains("recovering container"), daemon.log());
    }

    /**
     * Issue 11: a kill -9 under load, the start that recovers the store, then an orderly stop right
     * after it with nothing appended (H2's close then marks the recovered file clean, and a clean file is
     * trusted as it is at the next open), then a start again: every acknowledged event is there, the
     * chain verifies, and a container that ran across it all is still running; once it is removed, no
     * mount or process of the daemon's containers is left.
     */
    @Test
    void anOrderlyStopRightAfterTheRecoveryOfAKillLosesNothingAndLeavesNothing(@BusyboxDaemon Daemon daemon)
            throws Exception {
        Daemon.Result across = daemon.docker("run", "-d", "--name", "across", "busybox", "sleep", "600");
        assertEquals(0, across.code(), across.err() + daemon.log());
        List<String> volumes = new CopyOnWriteArrayList<>();
        List<String> containers = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            Future<?> volumeLoad = clients.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    if (daemon.docker("volume", "create", "load-v" + i).code() != 0) {
                        return; // the daemon was killed under it
                    }
                    volumes.add("load-v" + i);
                }
            });
            Future<?> containerLoad = clients.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    if (daemon.docker("create", "--name", "load-c" + i, "busybox", "true").code() != 0) {
                        return;
                    }
                    containers.add("load-c" + i);
                }
            });
            await().atMost(Duration.ofSeconds(120)).until(() -> volumes.size() + containers.size() >= 20
                    || volumeLoad.isDone() && containerLoad.isDone());
            daemon.crash();
            volumeLoad.get(120, TimeUnit.SECONDS);
            containerLoad.get(120, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
        }
        assertTrue(volumes.size() + containers.size() >= 20, "the load was acknowledged before the kill");
        // what a kill in a cp into a container and in a load leaves (the series found a cp's spool kept)
        java.nio.file.Path scratch = daemon.root.resolve("data/tmp");
        java.nio.file.Files.writeString(scratch.resolve("copy123.tar"), "a cp cut short");
        java.nio.file.Files.createDirectories(scratch.resolve("load456/blobs"));

        daemon.start();
        daemon.stop();
        java.nio.file.Path file = daemon.root.resolve("data/events/tally.mv.db");
        try (org.h2.mvstore.MVStore store = new org.h2.mvstore.MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            assertTrue(store.getFileStore().getStoreHeader().containsKey("clean"),
                    "the orderly stop after the recovery left the store unclosed: " + daemon.log());
        }
        daemon.start();
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(daemon.tmp())) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(),
                    "what the killed daemon left in its temporary directory");
        }
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(scratch)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(),
                    "what the killed daemon left in the data root's tmp/");
        }

        String volumeList = daemon.docker("volume", "ls", "-q").out();
        for (String v : volumes) {
            assertTrue(volumeList.lines().anyMatch(v::equals), v + " is lost\n" + volumeList + daemon.log());
        }
        String names = daemon.docker("ps", "-a", "--format", "{{.Names}} {{.State}}").out();
        for (String c : containers) {
            assertTrue(names.lines().anyMatch(l -> l.startsWith(c + " ")), c + " is lost\n" + names + daemon.log());
        }
        assertTrue(names.lines().anyMatch("across running"::equals), names + daemon.log());
        Daemon.Result verify = daemon.tally("audit", "verify");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertFalse(daemon.log().contains("recovering container"), daemon.log());

        assertEquals(0, daemon.docker("rm", "-f", "across").code());
        java.nio.file.Path containersDir = daemon.root.resolve("data/containers");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(List.of(), DeadRuns.mountsUnder(containersDir), "mounts left");
            assertEquals(List.of(), DeadRuns.namers(daemon.root).stream()
                    .map(p -> p.pid() + " " + DeadRuns.cmdline(p).orElse("(ended)"))
                    .filter(p -> !p.contains(" dev.tally.ops.Tallyd ")).toList(), "processes left");
        });
    }

    /**
     * The crash series: a run --rm with an anonymous volume (-v /scratch) whose removal was recorded,
     * then tallyd died before the volume went with the container (halted here at that moment, as a
     * kill -9 there: the start of the removal of the container's host side). The volume was kept for
     * good, of no container; now the next start removes it, recorded as the daemon's removal.
     */
    @Test
    void theAnonymousVolumeOfARmContainerWhoseRemovalAKillCutShortGoesAtTheNextStart(@BusyboxDaemon Daemon daemon)
            throws Exception {
        daemon.stop();
        daemon.haltingAt("remove").start();
        daemon.docker("run", "--rm", "--name", "brief", "-v", "/scratch", "busybox", "sh", "-c", "exit 3");
        await().atMost(Duration.ofSeconds(30)).until(daemon::ended);
        assertTrue(daemon.log().contains("halted at remove"), daemon.log());
        java.nio.file.Path volumes = daemon.root.resolve("data/volumes");
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(volumes)) {
            assertEquals(1, left.count(), "the anonymous volume is there when the daemon dies");
        }

        daemon.haltingAt(null).start();
        Daemon.Result listed = daemon.docker("volume", "ls", "-q");
        assertEquals("", listed.out().strip(), listed.err() + daemon.log());
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(volumes)) {
            assertEquals(List.of(), left.toList());
        }
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "type=volume",
                "--format", "{{.Action}} {{index .Actor.Attributes \"tally.user\"}}");
        assertEquals(List.of("create root", "destroy tallyd"), events.out().strip().lines().toList(), daemon.log());
        assertTrue(daemon.docker("ps", "-aq").out().isBlank(), "the container is gone too");
    }

    /**
     * An {@code rm -v} whose removal was recorded, then tallyd died before the anonymous volume went
     * (halted at the start of the removal of the host side, as a kill -9 there). The removal did not
     * say it took the volumes, so the next start kept it for good, a volume of no container; now the
     * record says so and the start finishes the removal. A plain {@code rm} cut the same way keeps its
     * volume for {@code volume prune}, as dockerd does.
     */
    @Test
    void theAnonymousVolumeOfAnRmVWhoseRemovalAKillCutShortGoesAtTheNextStartAndAPlainRmsStays(
            @BusyboxDaemon Daemon daemon) throws Exception {
        for (String name : List.of("taken", "kept")) {
            assertEquals(0, daemon.docker("create", "--name", name, "-v", "/scratch", "busybox", "true").code());
        }
        String kept = daemon.docker("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", "kept").out().strip();
        assertEquals(64, kept.length(), kept);
        for (String[] rm : List.of(new String[] {"rm", "-v", "taken"}, new String[] {"rm", "kept"})) {
            daemon.stop();
            daemon.haltingAt("remove").start();
            daemon.docker(rm);
            await().atMost(Duration.ofSeconds(30)).until(daemon::ended);
            assertTrue(daemon.log().contains("halted at remove"), daemon.log());
            daemon.haltingAt(null).start();
            Daemon.Result listed = daemon.docker("volume", "ls", "-q");
            assertEquals(List.of(kept), listed.out().strip().lines().toList(), listed.err() + daemon.log());
        }
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(daemon.root.resolve("data/volumes"))) {
            assertEquals(List.of(kept), left.map(p -> p.getFileName().toString()).toList());
        }
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "type=volume",
                "--filter", "event=destroy", "--format", "{{index .Actor.Attributes \"tally.user\"}}");
        assertEquals(List.of("tallyd"), events.out().strip().lines().toList(), daemon.log());
        assertTrue(daemon.docker("ps", "-aq").out().isBlank(), "both containers are gone");
    }

    /**
     * The crash series: a commit froze its container (recorded as the committer's pause), and tallyd
     * died before the thaw (halted here as the commit is about to read the container's files, as a kill
     * -9 there). The container stayed paused after the restart, a pause no client asked for; now the
     * start thaws it and records the unpause as the daemon's, and it runs on.
     */
    @Test
    void aContainerACommitFrozeWhenTheDaemonDiedRunsAgainAfterTheRestart(@BusyboxDaemon Daemon daemon)
            throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "frozen", "busybox", "sleep", "600");
        assertEquals(0, run.code(), run.err());
        daemon.stop();
        daemon.haltingAt("commit.read").start();
        assertTrue(daemon.docker("commit", "frozen", "cut:1").code() != 0, "the commit is cut");
        await().atMost(Duration.ofSeconds(30)).until(daemon::ended);
        assertTrue(daemon.log().contains("halted at commit.read"), daemon.log());
        String id = run.out().strip();
        Daemon.Result state = Daemon.exec(List.of("runc", "--root", daemon.root.resolve("run/runc").toString(), "state",
                id), java.util.Map.of());
        assertTrue(state.out().contains("\"paused\""), "frozen when the daemon died: " + state.out());

        daemon.haltingAt(null).start();
        Daemon.Result inspect = daemon.docker("inspect", "--format", "{{.State.Status}}", "frozen");
        assertEquals("running", inspect.out().strip(), inspect.err() + daemon.log());
        state = Daemon.exec(List.of("runc", "--root", daemon.root.resolve("run/runc").toString(), "state", id),
                java.util.Map.of());
        assertTrue(state.out().contains("\"running\""), state.out());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=frozen",
                "--format", "{{.Action}} {{index .Actor.Attributes \"tally.user\"}}");
        assertEquals(List.of("create root", "start root", "pause root", "unpause tallyd"),
                events.out().strip().lines().toList(), daemon.log());
        assertEquals(0, daemon.docker("exec", "frozen", "true").code(), "it runs on");
    }

    private static String idOf(Daemon daemon, String name) throws java.io.IOException {
        try (var dirs = java.nio.file.Files.list(daemon.root.resolve("data/containers"))) {
            for (var dir : dirs.toList()) {
                String cfg = java.nio.file.Files.readString(dir.resolve("config.json"));
                if (cfg.contains(name.equals("short") ? "exit 7" : "sleep")) {
                    return dir.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no container " + name);
    }
}
