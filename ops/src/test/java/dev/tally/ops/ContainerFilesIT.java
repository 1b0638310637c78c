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
 * docker cp both ways, top, pause/unpause, rename, diff and export through the real docker CLI (28,
 * and Debian's 20.10 where it is unpacked at /tmp/docker20) against a real tallyd: as alice (a
 * non-admin, her containers in her subordinate range) and as root; bob, who has no grant, is told
 * alice's container does not exist, and every attempt of his is on the record. Links a container
 * makes that point out of its root never lead a copy out of it, either way.
 */
class ContainerFilesIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    /** Files alice copies from, and where a link out of her container would lead on the host. */
    private static Path aliceFiles;
    private static Path hostDir;
    private static final Path DOCKER20 = Path.of("/tmp/docker20/x/usr/bin/docker");

    @BeforeAll
    static void files() throws Exception {
        users = new SharedHostUsers(daemon);
        aliceFiles = Files.createDirectories(daemon.root.resolve("alice-files"));
        Files.createDirectories(aliceFiles.resolve("dir/sub"));
        Files.writeString(aliceFiles.resolve("hello.txt"), "hello from alice\n");
        Files.writeString(aliceFiles.resolve("dir/sub/deep.txt"), "deep\n");
        Files.createSymbolicLink(aliceFiles.resolve("dir/link"), Path.of("sub/deep.txt"));
        Daemon.exec(List.of("chown", "-R", "alice:alice", aliceFiles.toString()), Map.of());
        hostDir = Files.createDirectories(daemon.root.resolve("host-only"));
        Files.writeString(hostDir.resolve("secret"), "host secret\n");
    }

    private static Daemon.Result alice(String... args) {
        return users.docker("alice", args);
    }

    private static String started(String user, String name) {
        Daemon.Result run = users.docker(user, "run", "-d", "--name", name, "busybox", "sleep", "600");
        assertEquals(0, run.code(), run.err());
        return run.out().strip();
    }

    private static Daemon.Result sh(String user, String command) {
        return HostUsers.as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket), List.of("sh", "-c", command));
    }

    @Test
    void aliceCopiesFilesAndDirectoriesInAndOutAndTheyAreOwnedInsideHerRange() throws Exception {
        String id = started("alice", "cp-alice");
        Daemon.Result in = alice("cp", aliceFiles.resolve("hello.txt").toString(), "cp-alice:/tmp/");
        assertEquals(0, in.code(), in.err());
        Daemon.Result dir = alice("cp", aliceFiles.resolve("dir").toString(), "cp-alice:/opt");
        assertEquals(0, dir.code(), dir.err());
        Daemon.Result cat = alice("exec", "cp-alice", "cat", "/tmp/hello.txt", "/opt/sub/deep.txt", "/opt/link");
        assertEquals("hello from alice\ndeep\ndeep\n", cat.out(), cat.err());
        // alice's own uid in the archive is an id inside her container's range, never a host id
        Daemon.Result owner = alice("exec", "cp-alice", "stat", "-c", "%u", "/tmp/hello.txt");
        assertEquals(Integer.toString(HostUsers.uid("alice")), owner.out().strip());
        Path upper = daemon.root.resolve("data/containers/" + id + "/upper/tmp/hello.txt");
        int hostUid = (int) Files.getAttribute(upper, "unix:uid");
        assertTrue(hostUid >= 100000, "owned on the host by " + hostUid);

        Path back = Files.createDirectories(daemon.root.resolve("alice-back"));
        Daemon.exec(List.of("chown", "alice:alice", back.toString()), Map.of());
        Daemon.Result out = alice("cp", "cp-alice:/opt", back.resolve("opt").toString());
        assertEquals(0, out.code(), out.err());
        assertEquals("deep\n", Files.readString(back.resolve("opt/sub/deep.txt")));
        assertTrue(Files.isSymbolicLink(back.resolve("opt/link")));

        Daemon.Result stat = sh("alice", "docker cp cp-alice:/etc/passwd - | tar tv");
        assertEquals(0, stat.code(), stat.err());
        assertTrue(stat.out().contains(" passwd"), stat.out());
        Daemon.Result missing = alice("cp", "cp-alice:/no/such/file", back.toString());
        assertNotEquals(0, missing.code());
        // the docker CLI 28 quotes the daemon's 404; 20.10 says it in its own words
        assertTrue(missing.err().contains("Could not find the file")
                || missing.err().contains("No such container:path: cp-alice:/no/such/file"), missing.err());

        Daemon.Result diff = alice("diff", "cp-alice");
        assertEquals(0, diff.code(), diff.err());
        assertTrue(diff.out().lines().toList().containsAll(List.of("C /tmp", "A /tmp/hello.txt", "A /opt/sub/deep.txt")),
                diff.out());
        Daemon.Result export = sh("alice", "docker export cp-alice | tar t");
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().lines().toList().containsAll(List.of("bin/sh", "tmp/hello.txt")), export.out());

        Daemon.Result audit = daemon.tally("audit", "log", "--action", "copy_in", "--format", "json");
        assertEquals(0, audit.code(), audit.err());
        assertEquals(2, audit.out().lines().filter(l -> l.contains("\"alice\"") && l.contains(id)
                && l.contains("sha256:")).count(), audit.out());
    }

    @Test
    void linksTheContainerMakesNeverLeadACopyOutOfItsRoot() throws Exception {
        started("alice", "cp-escape");
        String up = "/../../../../../../../../.." + hostDir;
        assertEquals(0, alice("exec", "cp-escape", "ln", "-s", up, "/tmp/up").code());
        assertEquals(0, alice("exec", "cp-escape", "ln", "-s", hostDir.toString(), "/tmp/abs").code());
        assertEquals(0, alice("exec", "cp-escape", "ln", "-s", hostDir.resolve("secret").toString(), "/tmp/secret").code());
        assertEquals(0, alice("exec", "cp-escape", "mkdir", "-p", hostDir.toString()).code());

        // into: every link resolves inside the container's root, so the files land in the container
        assertEquals(0, alice("cp", aliceFiles.resolve("hello.txt").toString(), "cp-escape:/tmp/up/").code());
        assertEquals(0, alice("cp", aliceFiles.resolve("hello.txt").toString(), "cp-escape:/tmp/abs/").code());
        assertEquals(0, alice("cp", aliceFiles.resolve("hello.txt").toString(), "cp-escape:/tmp/secret").code());
        try (var listing = Files.list(hostDir)) {
            assertEquals(List.of(hostDir.resolve("secret")), listing.toList());
        }
        assertEquals("host secret\n", Files.readString(hostDir.resolve("secret")));
        Daemon.Result landed = alice("exec", "cp-escape", "cat", hostDir.resolve("hello.txt").toString());
        assertEquals("hello from alice\n", landed.out(), landed.err());

        // out: the link itself, or (followed) what it names inside the container, never the host's file
        Daemon.Result link = sh("alice", "docker cp cp-escape:/tmp/secret - | tar tv");
        assertTrue(link.out().contains("secret -> " + hostDir.resolve("secret")), link.out() + link.err());
        Daemon.Result followed = sh("alice", "docker cp -L cp-escape:/tmp/secret - | tar xO");
        assertFalse(followed.out().contains("host secret"), followed.out());
        Daemon.Result viaUp = sh("alice", "docker cp cp-escape:/tmp/up/secret - | tar xO");
        assertFalse(viaUp.out().contains("host secret"), viaUp.out());
    }

    @Test
    void bobIsToldAlicesContainerDoesNotExistAndEveryAttemptIsRecorded() {
        started("alice", "cp-private");
        int before = daemon.tally("audit", "log", "--denied", "--format", "json").out().lines().toList().size();
        List<List<String>> attempts = List.of(
                List.of("cp", aliceFiles.resolve("hello.txt").toString(), "cp-private:/tmp/"),
                List.of("top", "cp-private"), List.of("pause", "cp-private"), List.of("rename", "cp-private", "bobs"),
                List.of("diff", "cp-private"), List.of("export", "-o", "/tmp/bob-export.tar", "cp-private"));
        for (List<String> a : attempts) {
            Daemon.Result r = users.docker("bob", a.toArray(String[]::new));
            assertNotEquals(0, r.code(), a.toString());
            assertTrue(r.err().contains("No such container") || r.err().contains("no such"), a + ": " + r.err());
        }
        List<String> denied = daemon.tally("audit", "log", "--denied", "--format", "json").out().lines().toList();
        assertTrue(denied.size() >= before + attempts.size(), denied.toString());
        assertEquals("running", alice("inspect", "-f", "{{.State.Status}}", "cp-private").out().strip());
    }

    /** The audit's JSON rows of an action, as the admin reads them. */
    private static List<String> audit(String action) {
        Daemon.Result r = daemon.tally("audit", "log", "--action", action, "--format", "json");
        assertEquals(0, r.code(), r.err());
        return r.out().lines().toList();
    }

    @Test
    void everyReadOfAContainersFilesIsRecordedWithWhoWhatAndTheDigestOfWhatLeft() {
        String id = started("alice", "cp-read");
        Daemon.Result copied = sh("alice", "docker cp cp-read:/etc/passwd - | sha256sum");
        assertEquals(0, copied.code(), copied.err());
        String digest = "sha256:" + copied.out().strip().split("\\s+")[0];
        assertTrue(audit("container.archive").stream().anyMatch(l -> l.contains("\"username\":\"alice\"")
                && l.contains(id) && l.contains("\"read\":\"archive\"") && l.contains("\"path\":\"/etc/passwd\"")
                && l.contains("\"digest\":\"" + digest + "\"")), "the copy out, with the digest alice received: "
                + audit("container.archive"));
        Daemon.Result events = alice("events", "--since", "0", "--until", "0s", "--filter", "container=cp-read",
                "--filter", "event=archive-path", "--format", "{{.Action}} {{.Actor.Attributes.path}}");
        assertEquals("archive-path /etc/passwd\n", events.out(), events.err());

        Daemon.Result head = HostUsers.as("alice", Map.of(), List.of("curl", "-sf", "-o", "/dev/null", "-I", "--unix-socket",
                daemon.socket.toString(), "http://tally/containers/cp-read/archive?path=/etc/group"));
        assertEquals(0, head.code(), head.err());
        assertTrue(audit("container.archive").stream().anyMatch(l -> l.contains("\"read\":\"stat\"")
                && l.contains("\"path\":\"/etc/group\"")), "the stat of a path: " + audit("container.archive"));

        Daemon.Result export = sh("alice", "docker export cp-read | sha256sum");
        assertEquals(0, export.code(), export.err());
        String exported = "sha256:" + export.out().strip().split("\\s+")[0];
        assertTrue(audit("container.export").stream().anyMatch(l -> l.contains("\"username\":\"alice\"")
                && l.contains("\"digest\":\"" + exported + "\"")), audit("container.export").toString());
        assertEquals("export\n", alice("events", "--since", "0", "--until", "0s", "--filter", "container=cp-read",
                "--filter", "event=export", "--format", "{{.Action}}").out());

        Daemon.Result bobs = sh("bob", "docker cp cp-read:/etc/passwd - > /dev/null");
        assertNotEquals(0, bobs.code());
        assertTrue(daemon.tally("audit", "log", "--denied", "--format", "json").out().lines().anyMatch(l ->
                l.contains("\"username\":\"bob\"") && l.contains("\"action\":\"container.archive\"")),
                "bob's refused read is on the record");
        assertTrue(audit("container.archive").stream().noneMatch(l -> l.contains("\"username\":\"bob\"")
                && l.contains("\"denied\":false")));
    }

    @Test
    void topShowsTheContainersProcessesOnly() {
        started("alice", "top-alice");
        Daemon.Result top = alice("top", "top-alice");
        assertEquals(0, top.code(), top.err());
        List<String> lines = top.out().lines().toList();
        assertTrue(lines.get(0).contains("PID") && lines.get(0).contains("CMD"), top.out());
        assertEquals(1, lines.size() - 1, top.out());
        assertTrue(lines.get(1).contains("sleep 600"), top.out());
        Daemon.Result custom = alice("top", "top-alice", "-o", "pid,comm");
        assertEquals(0, custom.code(), custom.err());
        assertTrue(custom.out().lines().anyMatch(l -> l.strip().endsWith("sleep")), custom.out());
    }

    @Test
    void aPausedContainersProcessIsFrozenAndExecIsRefusedUntilItIsUnpaused() throws Exception {
        String id = started("alice", "pause-alice");
        long pid = Long.parseLong(alice("inspect", "-f", "{{.State.Pid}}", "pause-alice").out().strip());
        assertEquals(0, alice("pause", "pause-alice").code());
        assertEquals("paused true", alice("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "pause-alice").out().strip());
        assertTrue(frozen(pid), "the process's cgroup is not frozen");
        assertTrue(alice("ps", "--format", "{{.Status}}").out().contains("(Paused)"));
        Daemon.Result exec = alice("exec", "pause-alice", "true");
        assertNotEquals(0, exec.code());
        assertTrue(exec.err().contains("is paused"), exec.err());
        assertNotEquals(0, alice("pause", "pause-alice").code());

        assertEquals(0, alice("unpause", "pause-alice").code());
        assertFalse(frozen(pid));
        assertEquals(0, alice("exec", "pause-alice", "true").code());
        Daemon.Result audit = daemon.tally("audit", "log", "--format", "json");
        assertTrue(audit.out().lines().anyMatch(l -> l.contains("container.pause") && l.contains("\"alice\"") && l.contains(id)));
        assertTrue(audit.out().lines().anyMatch(l -> l.contains("container.unpause") && l.contains("\"alice\"")));

        // a stop thaws a paused container so that its signal arrives, as Docker does
        assertEquals(0, alice("pause", "pause-alice").code());
        Daemon.Result stop = alice("stop", "-t", "1", "pause-alice");
        assertEquals(0, stop.code(), stop.err());
        assertEquals("exited false", alice("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "pause-alice")
                .out().strip());
    }

    /** Whether the process's freezer says frozen (v1 {@code freezer.state}, v2 {@code cgroup.events}). */
    private static boolean frozen(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[1].equals("freezer")) {
                return Files.readString(Path.of("/sys/fs/cgroup/freezer" + f[2], "freezer.state")).strip().equals("FROZEN");
            }
            if (f[0].equals("0") && f[1].isEmpty() && Files.exists(Path.of("/sys/fs/cgroup" + f[2], "cgroup.events"))) {
                return Files.readString(Path.of("/sys/fs/cgroup" + f[2], "cgroup.events")).contains("frozen 1");
            }
        }
        throw new AssertionError("no freezer for " + pid);
    }

    @Test
    void aRenamedContainerAnswersToItsNewNameAndItsOldNameIsFree() {
        started("alice", "old-name");
        assertEquals(0, alice("rename", "old-name", "new-name").code());
        assertEquals("/new-name", alice("inspect", "-f", "{{.Name}}", "new-name").out().strip());
        assertNotEquals(0, alice("inspect", "old-name").code());
        started("alice", "old-name");
        Daemon.Result clash = alice("rename", "old-name", "new-name");
        assertNotEquals(0, clash.code());
        assertTrue(clash.err().contains("already in use"), clash.err());
        Daemon.Result audit = daemon.tally("audit", "log", "--action", "rename", "--format", "json");
        assertTrue(audit.out().contains("\"old_name\":\"old-name\"") && audit.out().contains("\"new_name\":\"new-name\""),
                audit.out());
    }

    @Test
    void rootCopiesInAndOutOfAStoppedContainerAndNothingStaysMounted() throws Exception {
        Daemon.Result created = daemon.docker("create", "--name", "cp-stopped", "busybox", "cat", "/tmp/hello.txt");
        assertEquals(0, created.code(), created.err());
        String id = created.out().strip();
        Daemon.Result in = daemon.docker("cp", aliceFiles.resolve("hello.txt").toString(), "cp-stopped:/tmp/hello.txt");
        assertEquals(0, in.code(), in.err());
        Path rootfs = daemon.root.resolve("data/containers/" + id + "/rootfs");
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(rootfs.toString()));
        Daemon.Result run = daemon.docker("start", "-a", "cp-stopped");
        assertEquals("hello from alice\n", run.out(), run.err());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.docker("inspect", "-f", "{{.State.Status}}", "cp-stopped")
                .out().strip().equals("exited"));
        Daemon.Result out = Daemon.exec(List.of("sh", "-c", "docker cp cp-stopped:/tmp/hello.txt - | tar xO"),
                Map.of("DOCKER_HOST", "unix://" + daemon.socket));
        assertEquals("hello from alice\n", out.out(), out.err());
        // a small read is sent whole at once: the route then asked to be told of a close of a response
        // already ended, and Vert.x logged the error (the crash series' log had one per cp out)
        assertEquals(0, daemon.docker("version").code());
        assertFalse(daemon.log().contains("Response has already been written"), daemon.log());
    }

    @Test
    void debiansDockerCli2010CopiesBothWaysToo() throws Exception {
        if (!Files.isExecutable(DOCKER20)) {
            System.out.println("ContainerFilesIT: no docker 20.10 CLI at " + DOCKER20 + "; that case is not run here");
            return;
        }
        started("alice", "cp-20");
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + daemon.socket);
        Daemon.Result in = Daemon.exec(List.of(DOCKER20.toString(), "cp", aliceFiles.resolve("dir").toString(),
                "cp-20:/srv"), env);
        assertEquals(0, in.code(), in.err());
        Daemon.Result out = Daemon.exec(List.of("sh", "-c", DOCKER20 + " cp cp-20:/srv/sub/deep.txt - | tar xO"), env);
        assertEquals("deep\n", out.out(), out.err());
        List<String> top = new ArrayList<>(Daemon.exec(List.of(DOCKER20.toString(), "top", "cp-20"), env).out().lines().toList());
        assertEquals(2, top.size(), top.toString());
    }

    private static final String PY = """
            import docker, io, sys, tarfile
            c = docker.DockerClient(base_url="unix://" + sys.argv[1])
            ct = c.containers.run("busybox", ["sleep", "600"], detach=True, name="py-files")
            b = io.BytesIO()
            with tarfile.open(fileobj=b, mode="w") as t:
                i = tarfile.TarInfo("note.txt"); data = b"from python"; i.size = len(data)
                t.addfile(i, io.BytesIO(data))
            print("put", ct.put_archive("/tmp", b.getvalue()))
            stream, stat = ct.get_archive("/tmp/note.txt")
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as t:
                print("get", stat["name"], stat["size"], t.extractfile("note.txt").read())
            print("top", ct.top()["Titles"][1], len(ct.top()["Processes"]))
            ct.pause(); ct.reload(); print("paused", ct.status)
            ct.unpause(); ct.reload(); print("unpaused", ct.status)
            ct.rename("py-renamed"); ct.reload(); print("renamed", ct.name)
            print("diff", [d for d in ct.diff() if d["Path"] == "/tmp/note.txt"])
            print("export", len(b"".join(ct.export())) > 100000)
            ct.remove(force=True)
            """;

    @Test
    void thePythonSdkCopiesPausesRenamesAndReadsChanges() throws Exception {
        Path script = Files.writeString(daemon.root.resolve("files.py"), PY);
        Daemon.Result r = Daemon.exec(List.of("/usr/bin/python3", script.toString(), daemon.socket.toString()), Map.of());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(String.join("\n",
                "put True",
                "get note.txt 11 b'from python'",
                "top PID 1",
                "paused paused",
                "unpaused running",
                "renamed py-renamed",
                "diff [{'Path': '/tmp/note.txt', 'Kind': 1}]",
                "export True") + "\n", r.out(), r.err());
    }
}
