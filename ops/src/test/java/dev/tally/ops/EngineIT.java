package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.runtime.CgroupHierarchy;
import dev.tally.runtime.ContainerCgroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Real containers through the real socket, driven by the real tally CLI and docker CLI. */
class EngineIT {

    @BusyboxDaemon
    private static Daemon daemon;

    @Test
    void runPrintsTheOutputAndExitsWithTheContainersCode() {
        Daemon.Result r = daemon.tally("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.code(), r.err());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
    }

    @Test
    void envWorkdirAndUserReachTheProcess() {
        Daemon.Result r = daemon.tally("run", "--rm", "-e", "GREETING=hi", "-w", "/tmp", "-u", "65534:65534",
                "--hostname", "box1", "busybox", "sh", "-c", "echo $GREETING $(pwd) $(id -u):$(id -g) $(hostname)");
        assertEquals(0, r.code(), r.err());
        assertEquals("hi /tmp 65534:65534 box1\n", r.out());
    }

    @Test
    void limitsAreSetInTheContainersCgroupsAndItsUsageIsRead() throws Exception {
        Daemon.Result run = daemon.tally("run", "-d", "-m", "64m", "--cpus", "0.5", "--pids-limit", "50",
                "busybox", "sleep", "60");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        // v1 files on this host, v2 files on a unified one: the hierarchy is told as runc tells it
        ContainerCgroup cgroup = CgroupHierarchy.host().container(id);
        assertEquals(OptionalLong.of(64L << 20), cgroup.memoryLimit(), cgroup.toString());
        assertEquals(Optional.of(new ContainerCgroup.CpuQuota(50_000, 100_000)), cgroup.cpuQuota());
        assertEquals(OptionalLong.of(50), cgroup.pidsLimit());
        ContainerCgroup.Usage usage = cgroup.usage();
        assertTrue(usage.pids() >= 1, "sleep runs in it: " + usage);
        assertTrue(usage.memoryBytes() > 0 && usage.memoryBytes() <= 64L << 20, usage.toString());
        assertTrue(usage.memoryPeakBytes().orElse(usage.memoryBytes()) >= usage.memoryBytes(), usage.toString());
        assertTrue(usage.cpuNanos() > 0, "runc's init and the exec of sleep ran in it: " + usage);
        assertEquals(0, daemon.tally("rm", "-f", id).code());
        assertEquals(List.of(), cgroup.directories(), "the cgroup goes with the container, in every hierarchy");
    }

    @Test
    void infoReportsTheHostsCgroupVersionAndDriverTruthfully() {
        // the oracle is coreutils' statfs of /sys/fs/cgroup itself: "cgroup2fs" only on the unified hierarchy
        Daemon.Result fsType = Daemon.exec(List.of("stat", "-f", "-c", "%T", "/sys/fs/cgroup"), java.util.Map.of());
        assertEquals(0, fsType.code(), fsType.err());
        String version = fsType.out().strip().equals("cgroup2fs") ? "2" : "1";
        Daemon.Result docker = daemon.docker("info", "--format", "{{.CgroupVersion}} {{.CgroupDriver}}");
        assertEquals(0, docker.code(), docker.err());
        assertEquals(version + " cgroupfs\n", docker.out());
        Daemon.Result tally = daemon.tally("info");
        assertEquals(0, tally.code(), tally.err());
        assertTrue(tally.out().contains("Cgroup Version: " + version + "\n"), tally.out());
        assertTrue(tally.out().contains("Cgroup Driver: cgroupfs\n"), tally.out());
    }

    @Test
    void logsKeepStdoutAndStderrApart() {
        Daemon.Result run = daemon.tally("run", "--name", "logs1", "busybox", "sh", "-c", "echo one; echo two >&2; sleep 0.2; echo three");
        assertEquals(0, run.code(), run.err());
        Daemon.Result logs = daemon.tally("logs", "logs1");
        assertEquals("one\nthree\n", logs.out());
        assertEquals("two\n", logs.err());
        // conmon reads the two pipes apart, so order holds within a stream, not across them
        assertEquals("three\n", daemon.tally("logs", "--tail", "1", "logs1").out());
        assertEquals(0, daemon.tally("rm", "logs1").code());
    }

    @Test
    void detachedContainerRunsUntilStoppedAndIsRemovedWithoutATrace() throws Exception {
        Daemon.Result run = daemon.tally("run", "-d", "--name", "sleeper", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        assertTrue(id.matches("[0-9a-f]{64}"), "-d prints the full id: " + id);
        assertTrue(daemon.tally("ps").out().contains("sleeper"));
        Daemon.Result rmRunning = daemon.tally("rm", "sleeper");
        assertEquals(1, rmRunning.code());
        assertTrue(rmRunning.err().contains("container is running"), rmRunning.err());
        assertEquals(0, daemon.tally("stop", "-t", "1", "sleeper").code());
        assertTrue(daemon.tally("ps", "-a", "--filter", "status=exited").out().contains("sleeper"));
        assertEquals(0, daemon.tally("rm", "sleeper").code());
        assertFalse(daemon.tally("ps", "-a").out().contains("sleeper"));
        assertFalse(Files.exists(daemon.root.resolve("data/containers/" + id)));
        assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).lines().noneMatch(l -> l.contains(id)),
                "no mount is left behind");
    }

    @Test
    void namedVolumesOutliveTheirContainers() {
        Daemon.Result write = daemon.tally("run", "--rm", "-v", "itdata:/data", "busybox", "sh", "-c", "echo kept > /data/f");
        assertEquals(0, write.code(), write.err());
        Daemon.Result read = daemon.tally("run", "--rm", "-v", "itdata:/data:ro", "busybox", "cat", "/data/f");
        assertEquals("kept\n", read.out(), read.err());
        Daemon.Result refused = daemon.tally("run", "--rm", "-v", "itdata:/data:ro", "busybox", "sh", "-c", "echo x > /data/g");
        assertTrue(refused.code() != 0, "a read-only volume refuses writes");
    }

    @Test
    void unknownImageFailsLikeDocker() {
        Daemon.Result r = daemon.tally("run", "--rm", "nosuch", "true");
        assertEquals(125, r.code());
        assertTrue(r.err().contains("Unable to find image 'nosuch:latest' locally"), r.err());
    }

    @Test
    void aCommandThatIsNotThereExits127AndLeavesNothingBehind() throws Exception {
        Set<Path> before = containerDirectories();
        Daemon.Result r = daemon.tally("run", "--rm", "busybox", "no-such-command");
        assertEquals(127, r.code(), r.err());
        assertTrue(r.err().contains("executable file not found"), r.err());
        // No directory that was not there before: another test's --rm container may still be going away
        // (a count equal to the one before never came on a loaded host when one was).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<Path> left = containerDirectories();
            left.removeAll(before);
            assertEquals(Set.of(), left, "the failed container's directory");
        });
    }

    private Set<Path> containerDirectories() throws java.io.IOException {
        try (Stream<Path> dirs = Files.list(daemon.root.resolve("data/containers"))) {
            return dirs.collect(Collectors.toCollection(HashSet::new));
        }
    }

    @Test
    void duplicateNamesAreAConflictThatNamesTheHolder() {
        Daemon.Result first = daemon.tally("create", "--name", "twin", "busybox", "true");
        assertEquals(0, first.code(), first.err());
        Daemon.Result second = daemon.tally("create", "--name", "twin", "busybox", "true");
        assertEquals(125, second.code());
        assertTrue(second.err().contains("\"/twin\" is already in use by container \"" + first.out().strip() + "\""),
                second.err());
        assertEquals(0, daemon.tally("rm", "twin").code());
    }

    @Test
    void malformedSizeIsRejectedBeforeAnythingHappens() {
        Daemon.Result r = daemon.tally("run", "-m", "lots", "busybox", "true");
        assertEquals(125, r.code());
        assertTrue(r.err().contains("invalid size"), r.err());
    }

    @Test
    void eventsComeFromThePersistentLogWithTheirActor() {
        assertEquals(0, daemon.tally("run", "--rm", "--name", "audited", "busybox", "true").code());
        Daemon.Result events = daemon.tally("events", "--since", "0", "--until", "0s", "--filter", "container=audited");
        assertEquals(0, events.code(), events.err());
        for (String action : new String[] {" create ", " start ", " die ", " destroy "}) {
            assertTrue(events.out().contains(action), "missing" + action + "in " + events.out());
        }
        assertTrue(events.out().contains("tally.user=root"), events.out());
    }

    @Test
    void theDockerCliDrivesTallyd() {
        Daemon.Result run = daemon.docker("run", "--rm", "busybox", "sh", "-c", "echo from docker; exit 5");
        assertEquals(5, run.code(), run.err());
        assertEquals("from docker\n", run.out());
        Daemon.Result detached = daemon.docker("run", "-d", "--name", "dk", "busybox", "sh", "-c", "echo logged; sleep 300");
        assertEquals(0, detached.code(), detached.err());
        assertTrue(daemon.docker("ps", "-a").out().contains("dk"));
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.docker("logs", "dk").out().equals("logged\n"));
        Daemon.Result rm = daemon.docker("rm", "-f", "dk");
        assertEquals(0, rm.code(), rm.err());
        assertFalse(daemon.docker("ps", "-a").out().contains("dk"));
        Daemon.Result missing = daemon.docker("rm", "nosuch");
        assertTrue(missing.err().contains("No such container: nosuch"), missing.err());
    }

    @Test
    void execRunsInsideTheContainerAndIsAudited() {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "ex", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err());
        Daemon.Result exec = daemon.docker("exec", "-e", "A=1", "-w", "/tmp", "-u", "65534", "ex", "sh", "-c",
                "echo $A $(pwd) $(id -u); echo oops >&2; exit 6");
        assertEquals(6, exec.code(), exec.err());
        assertEquals("1 /tmp 65534\n", exec.out());
        assertEquals("oops\n", exec.err());
        assertEquals(0, daemon.docker("exec", "-d", "ex", "touch", "/tmp/flag").code());
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.docker("exec", "ex", "ls", "/tmp/flag").code() == 0);
        Daemon.Result events = daemon.tally("events", "--since", "0", "--until", "0s", "--filter", "container=ex",
                "--filter", "event=exec_start");
        assertTrue(events.out().contains("execCommand=sh -c echo $A"), events.out());
        assertTrue(events.out().contains("tally.user=root"), events.out());
        assertEquals(0, daemon.docker("rm", "-f", "ex").code());
        Daemon.Result gone = daemon.docker("exec", "ex", "true");
        assertTrue(gone.err().contains("No such container: ex"), gone.err());
    }

    @Test
    void volumesAreCreatedListedRefusedWhileInUseAndRemoved() {
        assertEquals(0, daemon.docker("volume", "create", "vol1").code());
        assertEquals(0, daemon.docker("run", "--rm", "-v", "implicit1:/d", "busybox", "true").code());
        String ls = daemon.docker("volume", "ls", "-q").out();
        assertTrue(ls.contains("vol1") && ls.contains("implicit1"), ls);
        Daemon.Result user = daemon.docker("run", "-d", "--name", "voluser", "-v", "vol1:/d", "busybox", "sleep", "300");
        assertEquals(0, user.code(), user.err());
        Daemon.Result inUse = daemon.docker("volume", "rm", "vol1");
        assertTrue(inUse.err().contains("volume is in use"), inUse.err());
        assertEquals(0, daemon.docker("rm", "-f", "voluser").code());
        assertEquals(0, daemon.docker("volume", "rm", "vol1", "implicit1").code());
        assertFalse(daemon.docker("volume", "ls", "-q").out().contains("vol1"));
        assertFalse(Files.exists(daemon.root.resolve("data/volumes/vol1")));
        Daemon.Result missing = daemon.docker("volume", "inspect", "nosuch");
        // docker 28 prints dockerd's "get nosuch: no such volume", docker 20.10 its own "No such volume: nosuch"
        assertEquals(1, missing.code(), missing.err());
        assertTrue(missing.err().toLowerCase(java.util.Locale.ROOT).contains("no such volume")
                && missing.err().contains("nosuch"), missing.err());
    }

    @Test
    void inspectFormatsPrintWhatTheDockerCliPrints() {
        Daemon.Result run = daemon.tally("run", "-d", "--name", "formatted", "-l", "b=2", "-l", "a=1", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err());
        assertEquals(0, daemon.tally("volume", "create", "formatted-vol").code());
        for (String template : List.of("{{.State.Status}} {{.State.Running}} {{.State.Pid}}", "{{.Id}}", "{{json .Config.Cmd}} {{json .HostConfig.LogConfig}}",
                "{{.NetworkSettings.IPAddress}}", "{{.Config.Cmd}} {{.Config.Labels}}", "{{json .Config.Labels}}",
                "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "{{range .Config.Cmd}}{{println .}}{{end}}",
                "{{if .State.Running}}up{{else}}down{{end}} {{upper .Name}} {{join .Config.Cmd \",\"}}",
                "{{.Name}}{{\"\\t\"}}{{index .Config.Cmd 0}}", "json")) {
            Daemon.Result tally = daemon.tally("inspect", "-f", template, "formatted");
            Daemon.Result docker = daemon.docker("inspect", "-f", template, "formatted");
            assertEquals(0, tally.code(), template + ": " + tally.err());
            if (template.equals("json") && docker.out().equals("json\n")) {
                // docker 20.10 reads "json" as a template of plain text; tally does as docker 23 and later do
                assertTrue(tally.out().startsWith("[{\"Id\":\"") && tally.out().contains("\"Name\":\"/formatted\""), tally.out());
                continue;
            }
            assertEquals(docker.out(), tally.out(), template);
        }
        for (List<String> verb : List.of(List.of("image", "inspect", "busybox"), List.of("volume", "inspect", "formatted-vol"))) {
            String template = verb.get(0).equals("image") ? "{{.Id}} {{.Os}}/{{.Architecture}} {{json .RootFS.Layers}} {{.RootFS.Type}}" : "{{.Mountpoint}}";
            Daemon.Result tally = daemon.tally(verb.get(0), verb.get(1), "-f", template, verb.get(2));
            assertEquals(daemon.docker(verb.get(0), verb.get(1), "-f", template, verb.get(2)).out(), tally.out(), tally.err());
        }
        // a template that does not parse: exit 64 before any request; one that fails on an object: exit 1
        for (String broken : List.of("{{.Name", "{{nosuch .Name}}")) {
            Daemon.Result tally = daemon.tally("inspect", "-f", broken, "formatted");
            Daemon.Result docker = daemon.docker("inspect", "-f", broken, "formatted");
            assertEquals(64, docker.code(), docker.err());
            assertEquals(64, tally.code(), tally.err());
            assertEquals("tally: inspect: " + docker.err(), tally.err());
        }
        Daemon.Result tally = daemon.tally("image", "inspect", "-f", "{{.State.Status}}", "busybox");
        Daemon.Result docker = daemon.docker("image", "inspect", "-f", "{{.State.Status}}", "busybox");
        assertEquals(1, docker.code(), docker.err());
        assertEquals(1, tally.code(), tally.err());
        assertEquals("tally: image inspect: " + docker.err(), tally.err());
        assertEquals(0, daemon.tally("rm", "-f", "formatted").code());
        assertEquals(0, daemon.tally("volume", "rm", "formatted-vol").code());
    }

    @Test
    void aWaitWithAnEmptyConditionWaitsForTheExitAsDockerd() {
        // the docker CLI 20.10 sends "?condition=" for a plain `docker wait`
        assertEquals(0, daemon.docker("run", "-d", "--name", "waited", "busybox", "sh", "-c", "exit 7").code());
        Daemon.Result http = Daemon.exec(java.util.List.of("curl", "-s", "-w", " %{http_code}", "-X", "POST", "--unix-socket",
                daemon.socket.toString(), "http://d/v1.41/containers/waited/wait?condition="), java.util.Map.of());
        assertTrue(http.out().contains("\"StatusCode\":7") && http.out().endsWith(" 200"), http.out());
        assertEquals(0, daemon.docker("rm", "waited").code());
    }

    @Test
    void stdinReachesTheContainerAndItsEndClosesIt() throws Exception {
        Path input = daemon.root.resolve("stdin.txt");
        Files.writeString(input, "line one\nline two\n");
        Daemon.Result run = daemon.dockerWithInput(input, "run", "--rm", "-i", "busybox", "sh", "-c", "wc -l; exit 9");
        assertEquals(9, run.code(), run.err());
        assertEquals("2", run.out().strip());
        Daemon.Result exec = daemon.dockerWithInput(input, "run", "--rm", "-i", "busybox", "cat");
        assertEquals("line one\nline two\n", exec.out(), exec.err());
    }

    @Test
    void aLargeStdinSentBeforeTheStartReachesTheContainerAsItReads() throws Exception {
        // The docker CLI sends all of a file, and its end, as soon as it has attached, before the
        // start. The start wrote what had come before it let the process go: past what conmon's
        // socket and the pipe hold, it waited forever for a process it had not started.
        Path input = daemon.root.resolve("large-stdin.bin");
        Files.write(input, new byte[4_000_000]);
        Daemon.Result run = daemon.dockerWithInput(input, "run", "--rm", "-i", "busybox", "sh", "-c", "wc -c; exit 9");
        assertEquals(9, run.code(), run.err());
        assertEquals("4000000", run.out().strip());
        // a container that reads only later: the client is not read meanwhile, and its end still arrives
        Daemon.Result slow = daemon.dockerWithInput(input, "run", "--rm", "-i", "busybox", "sh", "-c", "sleep 1; wc -c");
        assertEquals(0, slow.code(), slow.err());
        assertEquals("4000000", slow.out().strip());
        // docker attach -i to a running container
        Daemon.Result started = daemon.docker("run", "-di", "--name", "reads-later", "busybox", "sh", "-c", "sleep 1; wc -c; exit 4");
        assertEquals(0, started.code(), started.err());
        Daemon.Result attached = daemon.dockerWithInput(input, "attach", "reads-later");
        assertEquals(4, attached.code(), attached.err());
        assertEquals("4000000", attached.out().strip());
        assertEquals(0, daemon.docker("rm", "reads-later").code());
    }

    @Test
    void largeOutputIsNotCutShort() {
        // more than the 1 MiB the log cursor hands out per read
        Daemon.Result run = daemon.tally("run", "--name", "big", "busybox", "seq", "1", "300000");
        assertEquals(0, run.code(), run.err());
        assertEquals(300000, run.out().lines().count());
        assertTrue(run.out().endsWith("299999\n300000\n"));
        Daemon.Result logs = daemon.docker("logs", "big");
        assertEquals(300000, logs.out().lines().count());
        assertEquals(0, daemon.tally("rm", "big").code());
    }

    @Test
    void theDockerCliGetsAllOfALargeOutputThoughItHalfClosesAtOnce() {
        // The docker CLI shuts its sending side right after the attach when it has no stdin; the
        // output must still flow when the socket's send buffer fills (it stopped at ~278 lines).
        Daemon.Result run = daemon.docker("run", "--rm", "busybox", "seq", "1", "100000");
        assertEquals(0, run.code(), run.err());
        assertEquals(100000, run.out().lines().count());
        assertTrue(run.out().endsWith("99999\n100000\n"));
    }

    @Test
    void startAttachShowsOnlyTheNewOutputEvenAfterMoreThanAChunkOfOldLog() {
        // the first run logs ~2 MB, more than the 1 MiB the cursor hands out per read
        String script = "if [ -e /ran ]; then echo second; else touch /ran; seq 1 300000; fi";
        Daemon.Result first = daemon.tally("run", "--name", "again", "busybox", "sh", "-c", script);
        assertEquals(0, first.code(), first.err());
        assertEquals(300000, first.out().lines().count());
        Daemon.Result second = daemon.docker("start", "-a", "again");
        assertEquals(0, second.code(), second.err());
        assertEquals("second\n", second.out(), "attach shows what comes from now on, not the old log");
        assertEquals(0, daemon.tally("rm", "again").code());
    }

    @Test
    void aContainersOwnNetworkHasLoopbackUp() {
        Daemon.Result ping = daemon.tally("run", "--rm", "busybox", "ping", "-c", "1", "-W", "2", "127.0.0.1");
        assertEquals(0, ping.code(), ping.out() + ping.err());
        Daemon.Result links = daemon.tally("run", "--rm", "busybox", "sh", "-c", "ls /sys/class/net");
        assertEquals("lo\n", links.out(), "loopback only: no way out of the container");
    }
}
