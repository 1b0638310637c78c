package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 7: host paths a user can change while the daemon, as root, works on them. alice
 * (group tally) swaps, in a loop, a directory she may bind or one in her container's upper
 * directory (as her own subordinate range, which she can enter) for a symbolic link to a
 * root-owned directory, while the daemon mounts, makes or removes it: the directory outside is never
 * mounted, changed or removed. And a volume name means the caller's own volume, admins' included.
 */
class HostPathRacesIT {

    @BusyboxDaemon(beforeStart = UsersAndBindPath.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static Path shared;
    private static Path precious;

    /** alice, bob, carol (admin); users may bind below shared/ (1777, like /tmp). */
    static final class UsersAndBindPath implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            new SharedHostUsers.Made().prepare(unstarted);
            Path dir = Files.createDirectories(unstarted.root.resolve("shared"));
            Daemon.exec(List.of("chmod", "1777", dir.toString()), Map.of());
            Path policy = Files.writeString(unstarted.root.resolve("policy.json"),
                    "{\"allowedBindPaths\": [\"" + dir + "\"]}");
            unstarted.withArgs("--policy", policy.toString());
        }
    }

    /** root's directory outside anything a user may bind: 50 files no user may change. */
    @BeforeAll
    static void usersAndARootOwnedDirectory() throws Exception {
        users = new SharedHostUsers(daemon);
        shared = daemon.root.resolve("shared");
        precious = Files.createDirectories(daemon.root.resolve("precious"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(precious.resolve("f" + i), "root's");
        }
    }

    private static void preciousIsUntouched() throws IOException {
        try (Stream<Path> files = Files.list(precious)) {
            assertEquals(50, files.count(), "nothing made or removed in " + precious);
        }
        for (int i = 0; i < 50; i++) {
            assertEquals("root's", Files.readString(precious.resolve("f" + i)));
            assertEquals(0, Files.getAttribute(precious.resolve("f" + i), "unix:uid"));
        }
        assertEquals(0, Files.getAttribute(precious, "unix:uid"));
    }

    /**
     * A loop, run in the background as a user ({@code runuser}, {@code setpriv}) until
     * {@link #close()}, that swaps {@code dir/name} with a symbolic link to {@code target} as fast as
     * it can: {@code renameat2(RENAME_EXCHANGE)}, so the name is always there, half of the time a
     * directory and half of the time the link.
     */
    private record Swapper(Process process, Path stop) implements AutoCloseable {
        static Swapper start(List<String> as, Path dir, String name, Path target) throws IOException {
            Path stop = daemon.root.resolve("stop-" + System.nanoTime());
            String loop = String.join("\n", "import ctypes, os, sys",
                    "libc = ctypes.CDLL(None, use_errno=True)",
                    "os.chdir(sys.argv[1])",
                    "name, link, stop = sys.argv[2].encode(), (sys.argv[2] + '.link').encode(), sys.argv[4]",
                    "os.path.lexists(link) or os.symlink(sys.argv[3], link)",
                    "n = 0",
                    "while n % 1000 or not os.path.exists(stop):",
                    "    n += 1",
                    "    libc.renameat2(-100, name, -100, link, 2)");
            List<String> cmd = new ArrayList<>(as);
            cmd.addAll(List.of("/usr/bin/python3", "-c", loop, dir.toString(), name, target.toString(), stop.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new Swapper(p, stop);
        }

        @Override
        public void close() throws Exception {
            Files.writeString(stop, "");
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aBindSourceSwappedForALinkWhileTheDaemonMakesAndMountsItNeverReachesTheTarget() throws Exception {
        Path mine = shared.resolve("alice-race");
        assertEquals(0, HostUsers.as("alice", Map.of(), List.of("mkdir", "-p", mine + "/src")).code());
        assertEquals(0, HostUsers.as("alice", Map.of(), List.of("touch", mine + "/src/mine")).code());
        List<String> answers = new ArrayList<>();
        try (Swapper s = Swapper.start(List.of("runuser", "-u", "alice", "--"), mine, "src", precious)) {
            for (int i = 0; i < 8; i++) {
                for (String source : List.of(mine + "/src", mine + "/src/new")) {
                    Daemon.Result r = users.docker("alice", "run", "--rm", "-v", source + ":/d", "busybox", "ls", "/d");
                    assertFalse(r.out().contains("f49"), "the target was mounted: " + r.out());
                    answers.add(r.code() == 0 ? "mounted her own" : r.err().strip());
                }
            }
        }
        String mounted = answers.stream().filter(a -> a.equals("mounted her own")).count() + " of 16 runs under"
                + " the race mounted her own directory; the others were refused: " + answers;
        try (Stream<Path> files = Files.list(precious)) {
            assertEquals(50, files.count(), "nothing made in " + precious + "; " + mounted);
        }
        preciousIsUntouched();
        // the loop left her directory in some state of its own: a fresh one binds as it should
        assertEquals(0, HostUsers.as("alice", Map.of(), List.of("mkdir", "-p", mine + "/calm")).code());
        assertEquals(0, HostUsers.as("alice", Map.of(), List.of("touch", mine + "/calm/mine")).code());
        Daemon.Result after = users.docker("alice", "run", "--rm", "-v", mine + "/calm:/d", "busybox", "ls", "/d");
        assertEquals("mine\n", after.out(), after.err());
        Daemon.Result file = users.docker("alice", "run", "--rm", "-v", mine + "/calm/mine:/f", "busybox", "ls", "-l", "/f");
        assertEquals(0, file.code(), "a file binds as a file: " + file.err());
        assertTrue(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains("bind-sources")),
                "no staging mount is left; " + mounted);
    }

    @Test
    void aDirectoryOfTheUpperLayerSwappedForALinkWhileTheDaemonRemovesItLeavesTheTargetAlone() throws Exception {
        Daemon.Result run = users.docker("alice", "run", "-d", "busybox", "sh", "-c",
                "mkdir /victim && for i in $(seq 0 49); do echo mine > /victim/f$i; done && touch /ready && sleep 300");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        Path upper = daemon.root.resolve("data/containers").resolve(id).resolve("upper");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(upper.resolve("ready")));
        long range = subordinateStart("alice");
        List<String> asRange = List.of("setpriv", "--reuid=" + range, "--regid=" + range, "--clear-groups", "--");
        Daemon.Result rm;
        try (Swapper s = Swapper.start(asRange, upper, "victim", precious)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isSymbolicLink(upper.resolve("victim.link"))
                    || Files.isSymbolicLink(upper.resolve("victim")));
            rm = users.docker("alice", "rm", "-f", id);
        }
        preciousIsUntouched();
        // a walk that lost the race five times on one entry gives up (her own container's tree is
        // then left for the daemon's recheck of leftovers); it never follows the link
        assertTrue(rm.code() == 0 || rm.err().contains("kept changing"), rm.err());
    }

    @Test
    void linksInAVolumeAreRemovedAsLinks() throws Exception {
        Daemon.Result run = users.docker("alice", "run", "--rm", "-v", "alice-links:/v", "busybox", "sh", "-c",
                "mkdir -p /v/d && ln -s " + precious + " /v/abs && ln -s " + precious + " /v/d/abs"
                        + " && ln -s ../../../../../../../../.." + precious + " /v/d/rel && echo mine > /v/d/f");
        assertEquals(0, run.code(), run.err());
        assertEquals(0, users.docker("alice", "volume", "rm", "alice-links").code());
        preciousIsUntouched();
    }

    @Test
    void aVolumeNameMeansTheCallersOwnVolumeAdminsIncluded() throws Exception {
        Daemon.Result made = users.docker("alice", "run", "--rm", "-v", "data:/x", "busybox", "sh", "-c",
                "echo planted > /x/note");
        assertEquals(0, made.code(), made.err());
        for (String admin : List.of("carol", "root")) {
            Daemon.Result mount = admin.equals("root")
                    ? daemon.docker("run", "--rm", "-v", "data:/x", "busybox", "cat", "/x/note")
                    : users.docker(admin, "run", "--rm", "-v", "data:/x", "busybox", "cat", "/x/note");
            assertNotEquals(0, mount.code(), admin + " mounted alice's volume by its name: " + mount.out());
            assertFalse(mount.out().contains("planted"));
            assertTrue(mount.err().contains("is in use by the volume of alice"), mount.err());
        }
        Daemon.Result create = users.docker("carol", "volume", "create", "data");
        assertNotEquals(0, create.code(), "an admin's create does not hand back alice's volume");
        Daemon.Result audit = daemon.tally("audit", "log", "--denied", "--user", "carol", "--format", "json");
        assertTrue(audit.out().lines().anyMatch(l -> l.contains("\"action\":\"volume.create\"")
                && l.contains("\"name\":\"data\"") && l.contains("\"code\":409,")), audit.out());

        // admins still see it, and mount it on purpose by its directory
        Daemon.Result where = users.docker("carol", "volume", "inspect", "-f", "{{.Mountpoint}}", "data");
        assertEquals(0, where.code(), where.err());
        Daemon.Result byPath = users.docker("carol", "run", "--rm", "-v", where.out().strip() + ":/x", "busybox",
                "cat", "/x/note");
        assertEquals("planted\n", byPath.out(), byPath.err());

        // the other way round: an admin's name is not a user's either
        assertEquals(0, users.docker("carol", "volume", "create", "carols").code());
        Daemon.Result alice = users.docker("alice", "run", "--rm", "-v", "carols:/x", "busybox", "true");
        assertNotEquals(0, alice.code());
        assertTrue(alice.err().contains("in use by another user's volume"), alice.err());
        Daemon.Result own = users.docker("alice", "run", "--rm", "-v", "data:/x", "busybox", "cat", "/x/note");
        assertEquals("planted\n", own.out(), own.err());
        assertEquals(0, users.docker("alice", "volume", "rm", "data").code());
        assertEquals(0, users.docker("carol", "volume", "rm", "carols").code());
    }

    private static long subordinateStart(String user) {
        String uids = Daemon.exec(List.of("grep", "^" + user + ":", "/etc/subuid"), Map.of()).out().strip();
        String gids = Daemon.exec(List.of("grep", "^" + user + ":", "/etc/subgid"), Map.of()).out().strip();
        assertFalse(uids.isEmpty() || gids.isEmpty(), user + " has subordinate ids");
        assertEquals(uids.split(":")[1], gids.split(":")[1], "the test assumes equal uid and gid starts");
        return Long.parseLong(uids.split(":")[1]);
    }
}
