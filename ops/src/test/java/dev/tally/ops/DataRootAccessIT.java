package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 1: the data root gives a host user nothing, neither a set-uid-root file of any
 * image nor another user's container config, volume or the store; not as the user, and not as a
 * process in the user's own subordinate range (which the user can enter with newuidmap), while
 * the users' remapped containers still run and write their volumes and root filesystems.
 */
class DataRootAccessIT {

    @BusyboxDaemon(beforeStart = Users.class)
    private static Daemon daemon;
    private static Path data;
    private static Path setuidInLayer;
    private static String alicesId;
    private static String bobsId;
    /** bob's anonymous volume's secret, under its 64-digit name. */
    private static Path bobsAnonymous;

    /** alice and bob in group tally; the daemon's temp dir traversable to reach its socket. */
    static final class Users implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            HostUsers.group("tally");
            HostUsers.user("alice", "tally");
            HostUsers.user("bob", "tally");
            Daemon.exec(List.of("chmod", "0755", unstarted.root.toString()), Map.of());
        }
    }

    /**
     * alice imports busybox with a set-uid-root copy of id(1) and runs it; bob runs a container
     * with a secret in its environment, its volume and its root filesystem.
     */
    @BeforeAll
    static void anImageWithASetuidRootFileAndAContainerOfEach() throws Exception {
        data = daemon.root.resolve("data");
        Path tree = Files.createDirectories(daemon.root.resolve("suid-tree"));
        ok(Daemon.exec(List.of("tar", "-xf", daemon.root.resolve("busybox.tar").toString(), "-C", tree.toString()),
                Map.of()), "unpack busybox");
        ok(Daemon.exec(List.of("install", "-o", "0", "-g", "0", "-m", "4755", "/usr/bin/id",
                tree.resolve("rootid").toString()), Map.of()), "set-uid-root id");
        Path tar = daemon.root.resolve("suid.tar");
        ok(Daemon.exec(List.of("tar", "--numeric-owner", "-cf", tar.toString(), "-C", tree.toString(), "."), Map.of()),
                "tar");
        ok(Daemon.exec(List.of("chmod", "0644", tar.toString()), Map.of()), "chmod tar");
        ok(docker("alice", "import", tar.toString(), "suid:latest"), "alice imports suid");
        setuidInLayer = Path.of(Daemon.exec(List.of("find", data.resolve("layers").toString(), "-name", "rootid"),
                Map.of()).out().strip());
        assertTrue(setuidInLayer.startsWith(data.resolve("layers")), "the layer holds it: " + setuidInLayer);
        assertEquals(04755, (Integer) Files.getAttribute(setuidInLayer, "unix:mode") & 07777);

        alicesId = ok(docker("alice", "run", "-d", "--name", "alice-box", "-v", "alicevol:/data", "suid",
                "sh", "-c", "echo mine > /data/a && echo mine > /a && sleep 300"), "alice run").out().strip();
        bobsId = ok(docker("bob", "run", "-d", "-i", "--name", "bob-box", "-e", "BOB_SECRET=s3cret", "-v", "bobvol:/data",
                "-v", "/anon", "busybox", "sh", "-c", "echo secret > /data/s && echo secret > /anon/s && echo r > /r && sleep 300"),
                "bob run").out().strip();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                docker("alice", "exec", "alice-box", "cat", "/data/a", "/a").out().equals("mine\nmine\n")
                        && docker("bob", "exec", "bob-box", "cat", "/data/s", "/anon/s", "/r").out().equals("secret\nsecret\nr\n"));
        String anonymous = ok(docker("bob", "inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"/anon\"}}{{.Name}}{{end}}{{end}}",
                "bob-box"), "bob's anonymous volume").out().strip();
        assertTrue(anonymous.matches("[0-9a-f]{64}"), anonymous);
        bobsAnonymous = data.resolve("volumes").resolve(anonymous).resolve("_data/s");
    }

    @Test
    void aSetuidRootFileOfAnImageCannotBeFoundOrRunByAHostUser() {
        Daemon.Result run = HostUsers.as("alice", Map.of(), List.of(setuidInLayer.toString()));
        assertNotEquals(0, run.code());
        assertFalse(run.out().contains("euid=0"), run.out());
        assertNotEquals(0, HostUsers.as("alice", Map.of(), List.of("test", "-e", setuidInLayer.toString())).code());
        assertEquals("", HostUsers.as("alice", Map.of(), List.of("find", data.toString(), "-perm", "-4000")).out());
        assertEquals(data + "\n", HostUsers.as("alice", Map.of(), List.of("find", data.toString())).out(),
                "alice can list nothing under the data root");
    }

    /**
     * Every path under the data root, whatever made it (the store, the engine's id, layers, bundles,
     * mounted root filesystems, volumes, exit files), tried by name as a host user, who could guess
     * any name: none can be read or written. And by alice's subordinate range: only her own bundle.
     */
    @Test
    void noPathUnderTheDataRootIsReadableOrWritableByAHostUserAndHerRangeReachesOnlyHerBundle() throws Exception {
        Path list = daemon.root.resolve("every-path");
        Files.writeString(list, Daemon.exec(List.of("find", data.toString()), Map.of()).out());
        ok(Daemon.exec(List.of("chmod", "0644", list.toString()), Map.of()), "chmod list");
        assertTrue(Files.readAllLines(list).size() > 100, "the list holds layers and bundles");
        String tryEach = "while IFS= read -r p; do { [ -r \"$p\" ] || [ -w \"$p\" ]; } && echo \"$p\"; done < " + list;
        assertEquals("", HostUsers.as("alice", Map.of(), List.of("sh", "-c", tryEach)).out(),
                "alice reaches these under the data root");
        Path alices = data.resolve("containers").resolve(alicesId);
        List<String> reached = asAlicesRemappedRoot("sh", "-c", tryEach).out().lines()
                .filter(p -> !Path.of(p).startsWith(alices)).toList();
        assertEquals(List.of(), reached, "alice's range reaches these outside her own bundle");
    }

    /**
     * The exec root (runc's state, conmon's attach sockets and control files, exec logs) while bob's
     * container runs with its stdin open: alice reaches only the daemon's socket (group tally, by
     * design) and the daemon's pid file (what ps shows anyone); her range, the pid file only.
     */
    @Test
    void noPathUnderTheExecRootButTheSocketAndThePidFileIsReachedByAHostUserOrHerRange() throws Exception {
        Path run = daemon.root.resolve("run");
        Path list = daemon.root.resolve("every-run-path");
        Files.writeString(list, Daemon.exec(List.of("find", run.toString()), Map.of()).out());
        ok(Daemon.exec(List.of("chmod", "0644", list.toString()), Map.of()), "chmod list");
        assertTrue(Files.readString(list).contains(bobsId), "the list holds bob's container's files");
        String tryEach = "while IFS= read -r p; do { [ -r \"$p\" ] || [ -w \"$p\" ]; } && echo \"$p\"; done < " + list;
        List<String> reached = HostUsers.as("alice", Map.of(), List.of("sh", "-c", tryEach)).out().lines()
                .filter(p -> !Path.of(p).equals(run)).toList();
        assertEquals(List.of(daemon.socket.toString(), run.resolve("tallyd.pid").toString()),
                reached.stream().sorted().toList(), "alice reaches these under the exec root");
        assertEquals(List.of(run.resolve("tallyd.pid").toString()), asAlicesRemappedRoot("sh", "-c", tryEach).out().lines()
                .filter(p -> !Path.of(p).equals(run)).toList(), "alice's range reaches these under the exec root");
    }

    @Test
    void anotherUsersConfigVolumeAndRootfsAndTheStoreAreClosed() {
        Path bundle = data.resolve("containers").resolve(bobsId);
        for (Path p : List.of(bundle.resolve("config.json"), bundle.resolve("ctr.log"), bundle.resolve("upper/r"),
                bundle.resolve("rootfs/r"), data.resolve("volumes/bobvol/_data/s"), bobsAnonymous, data.resolve("events"),
                data.resolve("images"), data.resolve("blobs/sha256"))) {
            Daemon.Result read = HostUsers.as("alice", Map.of(), List.of("cat", p.toString()));
            assertNotEquals(0, read.code(), "alice reads " + p);
            assertFalse(read.out().contains("s3cret") || read.out().contains("secret"), p.toString());
            assertNotEquals(0, HostUsers.as("alice", Map.of(), List.of("ls", p.getParent().toString())).code(),
                    "alice lists " + p.getParent());
        }
        assertTrue(Daemon.exec(List.of("cat", bundle.resolve("config.json").toString()), Map.of()).out()
                .contains("BOB_SECRET=s3cret"), "the file tried is the one with bob's secret");
    }

    @Test
    void alicesSubordinateRangeReachesHerOwnBundleAndNoRootOwnedOrOtherUsersFile() {
        Path alices = data.resolve("containers").resolve(alicesId);
        assertEquals("mine\n", asAlicesRemappedRoot("cat", alices.resolve("rootfs/a").toString()).out(),
                "her remapped root reaches her own root filesystem");
        Path rootfs = alices.resolve("rootfs");
        Daemon.Result setuid = asAlicesRemappedRoot("find", rootfs.toString(), "-xdev", "-perm", "-4000");
        assertEquals(rootfs.resolve("rootid") + "\n", setuid.out(),
                "her own image's set-uid file, as her container sees it: " + setuid.err());
        assertEquals("", asAlicesRemappedRoot("find", rootfs.toString(), "-xdev", "-uid", "0").out(),
                "no file there is host root's");
        Daemon.Result ownRootid = asAlicesRemappedRoot(rootfs.resolve("rootid").toString(), "-u");
        assertEquals(String.valueOf(subordinateStart("alice")), ownRootid.out().strip(), ownRootid.err());
        assertEquals(data + "\n", asAlicesRemappedRoot("find", data.toString()).out(), "she lists nothing");
        Path bobs = data.resolve("containers").resolve(bobsId);
        for (Path p : List.of(bobs.resolve("config.json"), bobs.resolve("rootfs/r"), data.resolve("volumes/bobvol/_data/s"),
                bobsAnonymous)) {
            assertNotEquals(0, asAlicesRemappedRoot("cat", p.toString()).code(), "her range reads " + p);
        }
        assertNotEquals(0, asAlicesRemappedRoot("test", "-e", setuidInLayer.toString()).code());
        assertNotEquals(0, asAlicesRemappedRoot("ls", data.resolve("volumes/bobvol/_data").toString()).code());
    }

    @Test
    void remappedContainersStillRunAndWriteTheirVolumesAndRootfs() {
        Daemon.Result alice = docker("alice", "run", "--rm", "-v", "alicevol:/data", "busybox", "sh", "-c",
                "echo again >> /data/a && echo x > /x && cat /data/a /x");
        assertEquals("mine\nagain\nx\n", alice.out(), alice.err());
        Daemon.Result bob = docker("bob", "exec", "bob-box", "sh", "-c", "echo more >> /data/s && cat /data/s /r");
        assertEquals("secret\nmore\nr\n", bob.out(), bob.err());
    }

    /** A process with alice's first subordinate uid and gid and no other group: her containers' root. */
    private static Daemon.Result asAlicesRemappedRoot(String... command) {
        long id = subordinateStart("alice");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups",
                "--", "sh", "-c", "cd / && exec \"$@\"", "sh"));
        cmd.addAll(List.of(command));
        return Daemon.exec(cmd, Map.of());
    }

    private static long subordinateStart(String user) {
        for (String file : List.of("/etc/subuid", "/etc/subgid")) {
            String line = Daemon.exec(List.of("grep", "^" + user + ":", file), Map.of()).out().strip();
            assertFalse(line.isEmpty(), user + " has subordinate ids in " + file);
        }
        String uids = Daemon.exec(List.of("grep", "^" + user + ":", "/etc/subuid"), Map.of()).out().strip();
        String gids = Daemon.exec(List.of("grep", "^" + user + ":", "/etc/subgid"), Map.of()).out().strip();
        assertEquals(uids.split(":")[1], gids.split(":")[1], "the test assumes equal uid and gid starts");
        return Long.parseLong(uids.split(":")[1]);
    }

    private static Daemon.Result docker(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket), cmd);
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.err());
        return r;
    }
}
