package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Container options through the real docker CLI (and tally's): --read-only, --tmpfs and --cap-drop are applied; options
 * tally does not apply yet are refused by name, and nothing is created; a command that is not
 * there is the request's fault.
 */
class ContainerOptionsIT {

    @BusyboxDaemon
    private static Daemon daemon;

    @Test
    void readOnlyAndCapDropAreApplied() {
        Daemon.Result readOnly = daemon.docker("run", "--rm", "--read-only", "busybox", "touch", "/made");
        assertEquals(1, readOnly.code(), readOnly.err());
        assertTrue(readOnly.err().contains("Read-only file system"), readOnly.err());
        Daemon.Result dropped = daemon.docker("run", "--rm", "--cap-drop", "ALL", "--cap-drop", "chown", "busybox",
                "grep", "CapEff", "/proc/self/status");
        assertEquals("CapEff:\t0000000000000000\n", dropped.out(), dropped.err());
        assertEquals(0, daemon.docker("create", "--name", "hardened", "--read-only", "--cap-drop", "NET_RAW", "busybox",
                "true").code());
        assertEquals("true [CAP_NET_RAW]\n", daemon.docker("inspect", "-f", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}",
                "hardened").out());
        Daemon.Result unknown = daemon.docker("run", "--rm", "--cap-drop", "NET_WIZARD", "busybox", "true");
        assertEquals(125, unknown.code());
        assertTrue(unknown.err().contains("invalid CapDrop: unknown capability: \"CAP_NET_WIZARD\""), unknown.err());
        assertEquals(0, daemon.docker("rm", "hardened").code());
        Daemon.Result tmpfs = daemon.docker("run", "--rm", "--read-only", "--tmpfs", "/run:size=1m", "busybox", "sh", "-c",
                "echo kept > /run/note && cat /run/note");
        assertEquals("kept\n", tmpfs.out(), tmpfs.err());
        Daemon.Result viaTally = daemon.tally("run", "--rm", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "busybox",
                "sh", "-c", "grep CapEff /proc/self/status; touch /tmp/ok && touch /made");
        assertEquals(1, viaTally.code(), viaTally.err());
        assertEquals("CapEff:\t0000000000000000\n", viaTally.out());
        assertTrue(viaTally.err().contains("Read-only file system"), viaTally.err());
    }

    /**
     * {@code --mount} gives what {@code -v} and {@code --tmpfs} give: a named volume (read-only when
     * asked), a bind of a host directory (the caller here is root, an admin), a tmpfs with its size
     * and mode; what tally would not apply as asked (a shared propagation) is refused by name, and a target asked twice is
     * dockerd's duplicate mount point.
     */
    @Test
    void mountGivesVolumesBindsAndTmpfs() throws Exception {
        Daemon.Result write = daemon.docker("run", "--rm", "--mount", "type=volume,source=mounted,target=/d", "busybox",
                "sh", "-c", "echo kept > /d/f");
        assertEquals(0, write.code(), write.err());
        Daemon.Result read = daemon.docker("run", "--rm", "--mount", "type=volume,src=mounted,dst=/d,readonly", "busybox",
                "sh", "-c", "cat /d/f; echo x > /d/g");
        assertEquals("kept\n", read.out(), read.err());
        assertTrue(read.err().contains("Read-only file system"), read.err());
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(daemon.root.resolve("bound"));
        java.nio.file.Files.writeString(dir.resolve("host-file"), "from the host\n");
        Daemon.Result bind = daemon.docker("run", "--rm", "--mount", "type=bind,source=" + dir + ",target=/b",
                "busybox", "sh", "-c", "cat /b/host-file && echo back > /b/from-container");
        assertEquals("from the host\n", bind.out(), bind.err());
        assertEquals("back\n", java.nio.file.Files.readString(dir.resolve("from-container")));
        Daemon.Result tmpfs = daemon.docker("run", "--rm", "--read-only", "--mount", "type=tmpfs,dst=/t,tmpfs-size=1048576,"
                + "tmpfs-mode=1770", "busybox", "sh", "-c", "stat -c %a /t && grep ' /t ' /proc/mounts && touch /t/ok");
        assertEquals(0, tmpfs.code(), tmpfs.err());
        assertTrue(tmpfs.out().startsWith("1770\n"), tmpfs.out());
        assertTrue(tmpfs.out().contains("size=1024k") && tmpfs.out().contains("nosuid") && tmpfs.out().contains("noexec"),
                tmpfs.out());
        Daemon.Result propagation = daemon.docker("run", "--rm", "--mount", "type=bind,src=" + dir + ",dst=/p,"
                + "bind-propagation=rshared", "busybox", "true");
        assertEquals(125, propagation.code(), propagation.err());
        assertTrue(propagation.err().contains("--mount type=bind,target=/p (BindOptions.Propagation) is not supported:"
                + " HostConfig.Mounts"), propagation.err());
        Daemon.Result twice = daemon.docker("run", "--rm", "-v", "mounted:/d", "--mount", "type=tmpfs,dst=/d", "busybox", "true");
        assertEquals(125, twice.code(), twice.err());
        assertTrue(twice.err().contains("Duplicate mount point: /d"), twice.err());
        Daemon.Result viaTally = daemon.tally("run", "--rm", "--mount", "type=volume,src=mounted,dst=/d,ro", "--mount",
                "type=tmpfs,dst=/t", "busybox", "sh", "-c", "cat /d/f && grep -c ' /t tmpfs ' /proc/mounts");
        assertEquals("kept\n1\n", viaTally.out(), viaTally.err());
        Daemon.Result badMount = daemon.tally("run", "--rm", "--mount", "type=bind,source=/tmp", "busybox", "true");
        assertEquals(125, badMount.code());
        assertTrue(badMount.err().contains("invalid argument \"type=bind,source=/tmp\" for \"--mount\" flag: target is"
                + " required"), badMount.err());
        assertEquals("", daemon.docker("ps", "-aq", "--filter", "status=created").out(), "nothing was left behind");
    }

    /**
     * {@code -v PATH} and {@code --mount} without a source: a volume of its own each, named as dockerd
     * names one and labelled anonymous; {@code rm -v} and {@code --rm} take them with the container,
     * unless another container mounts one; a plain {@code rm} leaves them.
     */
    @Test
    void anonymousVolumesComeWithVPathAndGoWithRmVAndRm() {
        java.util.Set<String> before = volumeNames();
        Daemon.Result once = daemon.docker("run", "--rm", "-v", "/data", "busybox", "sh", "-c", "echo x > /data/f && cat /data/f");
        assertEquals("x\n", once.out(), once.err());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> volumeNames().equals(before));
        Daemon.Result viaTally = daemon.tally("run", "--rm", "-v", "/data", "busybox", "sh", "-c", "touch /data/f && ls /data");
        assertEquals("f\n", viaTally.out(), viaTally.err());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> volumeNames().equals(before));

        String id = daemon.docker("run", "-d", "-v", "/a", "--mount", "type=volume,dst=/b", "busybox", "sleep", "300")
                .out().strip();
        java.util.List<String> anonymous = java.util.List.of(daemon.docker("inspect", "-f",
                "{{range .Mounts}}{{.Destination}}={{.Name}} {{end}}", id).out().strip().split(" "));
        assertEquals(2, anonymous.size(), anonymous.toString());
        String onA = anonymous.stream().filter(m -> m.startsWith("/a=")).findFirst().orElseThrow().substring(3);
        String onB = anonymous.stream().filter(m -> m.startsWith("/b=")).findFirst().orElseThrow().substring(3);
        for (String name : java.util.List.of(onA, onB)) {
            assertTrue(name.matches("[0-9a-f]{64}"), name);
            assertTrue(daemon.docker("volume", "inspect", "-f", "{{json .Labels}}", name).out()
                    .contains("com.docker.volume.anonymous"), name);
        }
        String other = daemon.docker("run", "-d", "-v", onA + ":/x", "busybox", "sleep", "300").out().strip();
        assertEquals(0, daemon.docker("rm", "-fv", id).code());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !volumeNames().contains(onB));
        assertTrue(volumeNames().contains(onA), "another container mounts it");
        assertEquals(0, daemon.docker("rm", "-f", other).code());
        assertTrue(volumeNames().contains(onA), "a plain rm leaves it");
        assertEquals(0, daemon.docker("volume", "rm", onA).code());
        assertEquals(before, volumeNames());
    }

    /**
     * A create refused after its anonymous volume was made (a name in use) keeps no volume: before, each
     * such refusal left one, of no container, until the next start or a prune.
     */
    @Test
    void aCreateRefusedForANameInUseLeavesNoAnonymousVolume() {
        Daemon.Result first = daemon.docker("create", "--name", "taken-anon", "busybox", "true");
        assertEquals(0, first.code(), first.err());
        java.util.Set<String> before = volumeNames();
        Daemon.Result again = daemon.docker("create", "--name", "taken-anon", "-v", "/data", "busybox", "true");
        assertTrue(again.code() != 0 && again.err().contains("already in use"), again.err());
        assertEquals(before, volumeNames());
        assertEquals(0, daemon.docker("rm", "taken-anon").code());
    }

    private static java.util.Set<String> volumeNames() {
        return new java.util.HashSet<>(daemon.docker("volume", "ls", "-q").out().lines().toList());
    }

    /** {@code --env-file} through the tally CLI: the file's variables, then -e's, as the docker CLI sends them. */
    @Test
    void envFilesReachTheContainerBeforeE() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(daemon.root.resolve("vars.env"),
                "# settings\nGREETING=hello world\nLEVEL=1\n");
        for (String cli : new String[] {"tally", "docker"}) {
            Daemon.Result r = cli.equals("tally")
                    ? daemon.tally("run", "--rm", "--env-file", file.toString(), "-e", "LEVEL=2", "busybox", "sh", "-c",
                            "echo \"$GREETING $LEVEL\"")
                    : daemon.docker("run", "--rm", "--env-file", file.toString(), "-e", "LEVEL=2", "busybox", "sh", "-c",
                            "echo \"$GREETING $LEVEL\"");
            assertEquals("hello world 2\n", r.out(), cli + ": " + r.err());
        }
        Daemon.Result missing = daemon.tally("run", "--rm", "--env-file", daemon.root.resolve("none.env").toString(),
                "busybox", "true");
        assertEquals(125, missing.code());
        assertTrue(missing.err().contains("no such file or directory"), missing.err());
    }

    /** As dockerd: a command that is not there fails the start with a 400, and the container keeps 127. */
    @Test
    void aMissingCommandIsTheRequestsFault() {
        assertEquals(0, daemon.docker("create", "--name", "nocmd", "busybox", "no-such-cmd").code());
        Daemon.Result http = Daemon.exec(java.util.List.of("curl", "-s", "-w", "%{http_code}", "-X", "POST", "--unix-socket",
                daemon.socket.toString(), "http://d/v1.50/containers/nocmd/start"), java.util.Map.of());
        assertTrue(http.out().endsWith("400"), http.out());
        assertTrue(http.out().contains("executable file not found"), http.out());
        assertEquals("127 created\n", daemon.docker("inspect", "-f", "{{.State.ExitCode}} {{.State.Status}}", "nocmd").out());
        assertEquals(0, daemon.docker("rm", "nocmd").code());
    }

    @Test
    void optionsNotAppliedYetAreRefusedByName() {
        Daemon.Result ulimit = daemon.docker("run", "--rm", "--ulimit", "nofile=1024:1024", "busybox", "true");
        assertEquals(125, ulimit.code(), ulimit.err());
        assertTrue(ulimit.err().contains("--ulimit is not supported: HostConfig.Ulimits"), ulimit.err());
        Daemon.Result sysctl = daemon.docker("run", "--rm", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "true");
        assertEquals(125, sysctl.code(), sysctl.err());
        assertTrue(sysctl.err().contains("--sysctl is not supported: HostConfig.Sysctls"), sysctl.err());
        Daemon.Result plain = daemon.docker("run", "--rm", "-v", "data:/data", "busybox", "true");
        assertEquals(0, plain.code(), plain.err());
        assertEquals("", daemon.docker("ps", "-aq", "--filter", "ancestor=busybox", "--filter", "status=created").out(),
                "nothing was left behind");
    }

    /**
     * Until tally has networks: the CLI's default, bridge and none are one namespace with loopback
     * only, and inspect says none; another container's namespace or a named network is a 400 naming it.
     */
    @Test
    void networkModesAreTheLoopbackOnlyNamespaceOrRefusedByName() {
        for (String mode : new String[] {"default", "bridge", "none"}) {
            Daemon.Result links = daemon.docker("run", "--rm", "--network", mode, "busybox", "sh", "-c",
                    "ls /sys/class/net");
            assertEquals("lo\n", links.out(), mode + ": " + links.err());
        }
        assertEquals(0, daemon.docker("create", "--name", "bridged", "--network", "bridge", "busybox", "true").code());
        assertEquals("none\n", daemon.docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", "bridged").out());
        assertEquals(0, daemon.docker("rm", "bridged").code());
        for (String mode : new String[] {"container:bridged", "mynet"}) {
            Daemon.Result refused = daemon.docker("run", "--rm", "--network", mode, "busybox", "true");
            assertEquals(125, refused.code(), refused.err());
            assertTrue(refused.err().contains("--network " + mode + " is not supported: HostConfig.NetworkMode"), refused.err());
        }
        assertEquals("", daemon.docker("ps", "-aq").out(), "nothing was left behind");
    }

    /**
     * {@code --stop-signal} and {@code --stop-timeout}, and an image's STOPSIGNAL: {@code docker stop} sends the
     * container's signal and waits its timeout; the stop's own {@code -s} and {@code -t} come first. Inspect
     * shows them as dockerd does (the image's merged at create).
     */
    @Test
    void aContainerStopsWithItsOwnSignalAndTimeoutOrItsImages() {
        String trap = "trap 'exit 7' USR1; trap 'exit 9' HUP; trap '' TERM; while :; do sleep 0.1; done";
        assertEquals(0, daemon.docker("run", "-d", "--name", "own", "--stop-signal", "SIGUSR1", "--stop-timeout", "30",
                "busybox", "sh", "-c", trap).code());
        assertEquals("SIGUSR1 30\n", daemon.docker("inspect", "-f", "{{.Config.StopSignal}} {{.Config.StopTimeout}}", "own")
                .out());
        awaitTraps("own");
        assertEquals(0, daemon.docker("stop", "own").code());
        assertEquals("7\n", daemon.docker("inspect", "-f", "{{.State.ExitCode}}", "own").out(), "USR1 ended it");

        // a TERM it ignores: its timeout of 1 s, not 10, before the SIGKILL, as recorded
        assertEquals(0, daemon.docker("run", "-d", "--name", "brief", "--stop-timeout", "1", "busybox", "sh", "-c", trap)
                .code());
        awaitTraps("brief");
        assertEquals(0, daemon.docker("stop", "brief").code());
        assertEquals("137\n", daemon.docker("inspect", "-f", "{{.State.ExitCode}}", "brief").out());
        Daemon.Result audit = daemon.tally("audit", "log", "--container", "brief", "--action", "container.stop",
                "--format", "json");
        assertTrue(audit.out().contains("\"signal\":\"TERM\"") && audit.out().contains("\"timeout\":\"1\""), audit.out());

        // the image's STOPSIGNAL, merged at create; a stop's -s comes first
        assertEquals(0, daemon.docker("commit", "--change", "STOPSIGNAL SIGHUP", "brief", "stops-on-hup:1").code());
        assertEquals(0, daemon.docker("run", "-d", "--name", "imaged", "stops-on-hup:1", "sh", "-c", trap).code());
        assertEquals("SIGHUP\n", daemon.docker("inspect", "-f", "{{.Config.StopSignal}}", "imaged").out());
        awaitTraps("imaged");
        assertEquals(0, daemon.docker("stop", "imaged").code());
        assertEquals("9\n", daemon.docker("inspect", "-f", "{{.State.ExitCode}}", "imaged").out(), "HUP ended it");

        // a real-time signal, as systemd images name theirs: runc knows no such name, so it is sent by number
        assertEquals(0, daemon.docker("run", "-d", "--name", "realtime", "--stop-signal", "SIGRTMIN+3", "busybox", "sh", "-c",
                "trap 'exit 5' 37; trap '' TERM; while :; do sleep 0.1; done").code());
        awaitCaught("realtime", 1L << 36);
        assertEquals(0, daemon.docker("stop", "realtime").code());
        assertEquals("5\n", daemon.docker("inspect", "-f", "{{.State.ExitCode}}", "realtime").out(), "RTMIN+3 ended it");

        Daemon.Result bad = daemon.docker("run", "--rm", "--stop-signal", "SIGNOPE", "busybox", "true");
        assertEquals(125, bad.code(), bad.err());
        assertTrue(bad.err().contains("Invalid signal: SIGNOPE"), bad.err());
        assertEquals(0, daemon.docker("rm", "-f", "own", "brief", "imaged", "realtime").code());
        assertEquals(0, daemon.docker("rmi", "stops-on-hup:1").code());
    }

    /** Until its shell has set its traps (HUP and USR1 caught, TERM ignored), a signal would end it as the default action does. */
    private void awaitTraps(String container) {
        awaitCaught(container, (1L << 0) | (1L << 9));
    }

    /** Until pid 1 catches the signals of {@code mask} (bit n-1 for signal n) and ignores TERM. */
    private void awaitCaught(String container, long mask) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            String status = daemon.docker("exec", container, "cat", "/proc/1/status").out();
            java.util.regex.Matcher caught = java.util.regex.Pattern.compile("SigCgt:\\s*([0-9a-f]+)").matcher(status);
            java.util.regex.Matcher ignored = java.util.regex.Pattern.compile("SigIgn:\\s*([0-9a-f]+)").matcher(status);
            long term = 1L << 14;
            return caught.find() && ignored.find() && (Long.parseUnsignedLong(caught.group(1), 16) & mask) == mask
                    && (Long.parseUnsignedLong(ignored.group(1), 16) & term) == term;
        });
    }

    /** Any other field the CLI sets is refused with its name, and nothing is created. */
    @Test
    void aFieldTallyDoesNotApplyIsRefusedByItsName() {
        Daemon.Result domain = daemon.docker("run", "--rm", "--domainname", "example.org", "busybox", "true");
        assertEquals(125, domain.code(), domain.err());
        assertTrue(domain.err().contains("not supported: Domainname"), domain.err());
        Daemon.Result expose = daemon.docker("create", "--expose", "80", "busybox", "true");
        assertTrue(expose.code() != 0, expose.err());
        assertTrue(expose.err().contains("not supported: ExposedPorts"), expose.err());
        Daemon.Result http = curl("-H", "Content-Type: application/json", "-d",
                "{\"Image\":\"busybox\",\"HostConfig\":{\"StorageOpt\":{\"size\":\"1G\"}}}", "http://d/v1.50/containers/create");
        assertEquals("{\"message\":\"an option tally does not apply is not supported: HostConfig.StorageOpt\"}\n400", http.out());
        assertEquals("", daemon.docker("ps", "-aq").out(), "nothing was left behind");
    }

    /** docker-java (Testcontainers) sends nearly every field as null: to tally, as to dockerd, each is its zero value. */
    @Test
    void aCreateBodyOfNullsMakesAContainerThatStarts() {
        java.nio.file.Path body = java.nio.file.Path.of(System.getProperty("user.dir"))
                .resolveSibling("api-rest/src/test/resources/dev/tally/rest/body/docker-java-create.json");
        Daemon.Result created = curl("-H", "Content-Type: application/json", "--data-binary", "@" + body,
                "http://d/v1.50/containers/create?name=nulls");
        assertTrue(created.out().endsWith("201"), created.out());
        assertEquals("204", curl("-X", "POST", "http://d/v1.50/containers/nulls/start").out());
        assertEquals("{\"StatusCode\":0,\"Error\":null}\n200", curl("-X", "POST", "http://d/v1.50/containers/nulls/wait").out());
        assertEquals("hi\n", daemon.docker("logs", "nulls").out());
        assertEquals("false none true\n", daemon.docker("inspect", "-f",
                "{{.Config.Tty}} {{.HostConfig.NetworkMode}} {{index .Config.Labels \"org.testcontainers\"}}", "nulls").out());
        assertEquals(0, daemon.docker("rm", "nulls").code());
    }

    /** Malformed JSON and a value of the wrong type are the request's fault, in Docker's error shape. */
    @Test
    void aBodyThatIsNotAContainerConfigIsA400() {
        assertEquals("{\"message\":\"invalid JSON: HostConfig.Privileged: expected true or false\"}\n400",
                curl("-H", "Content-Type: application/json", "-d", "{\"Image\":\"busybox\",\"HostConfig\":{\"Privileged\":\"yes\"}}",
                        "http://d/v1.50/containers/create").out());
        Daemon.Result malformed = curl("-H", "Content-Type: application/json", "-d", "{\"Image\":", "http://d/v1.50/containers/create");
        assertTrue(malformed.out().startsWith("{\"message\":\"invalid JSON: ") && malformed.out().endsWith("}\n400"),
                malformed.out());
    }

    private static Daemon.Result curl(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-s", "-w", "%{http_code}",
                "--unix-socket", daemon.socket.toString()));
        cmd.addAll(java.util.List.of(args));
        return Daemon.exec(cmd, java.util.Map.of());
    }
}
