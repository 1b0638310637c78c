package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authorization on a shared host, with real users: alice and bob (group tally) and carol (also in
 * tally-admin) run the real docker CLI and the real tally CLI against a real tallyd through its
 * socket, which tells the daemon who they are.
 */
class AuthorizationIT {

    @BusyboxDaemon(beforeStart = UsersAndPolicy.class)
    private static Daemon daemon;
    private static Path shared;
    private static String cliClassPath;

    /** The users and groups, and a policy that allows binds from the daemon's shared/ directory only. */
    static final class UsersAndPolicy implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            HostUsers.group("tally");
            HostUsers.group("tally-admin");
            HostUsers.user("alice", "tally");
            HostUsers.user("bob", "tally");
            HostUsers.user("carol", "tally,tally-admin");
            // the socket lies below the daemon's temp dir, which the users must be able to traverse
            Daemon.exec(List.of("chmod", "0755", unstarted.root.toString()), Map.of());
            shared = Files.createDirectories(unstarted.root.resolve("shared"));
            Daemon.exec(List.of("chmod", "1777", shared.toString()), Map.of());
            Path policy = Files.writeString(unstarted.root.resolve("policy.json"),
                    "{\"allowedBindPaths\": [\"" + shared + "\"]}");
            unstarted.withArgs("--policy", policy.toString());
        }
    }

    @BeforeAll
    static void copyTheCliWhereUsersCanReadIt() throws Exception {
        Path cli = Files.createDirectories(daemon.root.resolve("cli"));
        cliClassPath = HostUsers.readableCliClassPath(cli);
    }

    private static Daemon.Result docker(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket), cmd);
    }

    private static Daemon.Result tally(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cliClassPath, "dev.tally.cli.TallyCli",
                "-H", "unix://" + daemon.socket));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of(), cmd);
    }

    private static String run(String user, String name, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "busybox"));
        args.addAll(command.length == 0 ? List.of("sleep", "300") : List.of(command));
        Daemon.Result r = docker(user, args.toArray(String[]::new));
        assertEquals(0, r.code(), user + " run " + name + ": " + r.err());
        return r.out().strip();
    }

    /** The verbs a user may use on a container they can see, as docker CLI arguments. */
    private static List<List<String>> hiddenVerbs(String name) {
        return List.of(List.of("inspect", name), List.of("logs", name), List.of("exec", name, "true"),
                List.of("stop", "-t", "1", name), List.of("kill", name), List.of("rm", "-f", name),
                List.of("wait", name), List.of("attach", "--no-stdin", name), List.of("start", name),
                List.of("restart", "-t", "1", name), List.of("top", name), List.of("port", name));
    }

    /** What `user` is told about `name` equals, word for word and exit code for exit code, what a missing one gets. */
    private static void looksMissingTo(String user, String name) {
        String missing = "nosuch" + Long.toHexString(System.nanoTime());
        for (List<String> verb : hiddenVerbs(name)) {
            Daemon.Result hidden = docker(user, verb.toArray(String[]::new));
            List<String> asMissing = verb.stream().map(a -> a.equals(name) ? missing : a).toList();
            Daemon.Result absent = docker(user, asMissing.toArray(String[]::new));
            assertEquals(absent.code(), hidden.code(), user + " " + verb + ": " + hidden.err());
            assertEquals(absent.err().replace(missing, name), hidden.err(), user + " " + verb);
            assertEquals(absent.out().replace(missing, name), hidden.out(), user + " " + verb);
        }
        assertFalse(docker(user, "ps", "-a", "--no-trunc").out().contains(name), user + " lists " + name);
        Daemon.Result stillThere = daemon.docker("inspect", "-f", "{{.State.Running}}", name);
        assertEquals("true\n", stillThere.out(), "nothing " + user + " tried reached " + name + ": " + stillThere.err());
        Daemon.Result tallyInspect = tally(user, "inspect", name);
        Daemon.Result tallyMissing = tally(user, "inspect", missing);
        assertEquals(tallyMissing.code(), tallyInspect.code(), tallyInspect.err());
        assertEquals(tallyMissing.err().replace(missing, name), tallyInspect.err());
    }

    @Test
    void ownersAndAdminsActOnAContainerThatOthersCannotTellFromAMissingOne() {
        String id = run("alice", "alice-web", "sh", "-c", "echo hello from alice; sleep 300");
        looksMissingTo("bob", "alice-web");
        looksMissingTo("bob", id.substring(0, 12));

        Daemon.Result inspect = docker("alice", "inspect", "-f", "{{.Id}}", "alice-web");
        assertEquals(id, inspect.out().strip(), inspect.err());
        assertEquals("hello from alice\n", docker("alice", "logs", "alice-web").out());
        assertEquals("in alice's\n", docker("alice", "exec", "alice-web", "echo", "in alice's").out());
        assertTrue(docker("alice", "ps").out().contains("alice-web"));
        assertTrue(tally("alice", "ps").out().contains("alice-web"));

        // admins: root (the harness) and carol (tally-admin)
        assertEquals(0, docker("carol", "exec", "alice-web", "true").code());
        assertTrue(docker("carol", "ps").out().contains("alice-web"));
        assertTrue(daemon.docker("ps").out().contains("alice-web"));

        assertEquals(0, docker("alice", "kill", "alice-web").code());
        assertTrue(docker("alice", "wait", "alice-web").out().matches("[0-9]+\n"));
        assertEquals(0, docker("alice", "start", "alice-web").code());
        assertEquals(0, docker("alice", "restart", "-t", "1", "alice-web").code());
        assertEquals(0, docker("alice", "stop", "-t", "1", "alice-web").code());
        assertEquals(0, tally("alice", "rm", "alice-web").code());

        String carolsTarget = run("alice", "alice-db");
        Daemon.Result carolRm = docker("carol", "rm", "-f", "alice-db");
        assertEquals(0, carolRm.code(), carolRm.err());
        assertFalse(daemon.docker("ps", "-a", "--no-trunc").out().contains(carolsTarget));
    }

    @Test
    void aGrantLetsAUserInUntilItIsRevoked() {
        run("alice", "alice-shared");
        looksMissingTo("bob", "alice-shared");

        Daemon.Result byAlice = tally("alice", "grant", "alice-shared", "bob");
        assertEquals(1, byAlice.code());
        assertEquals("tally: grant: authorization denied: tally grant is for tally admins only\n", byAlice.err());
        Daemon.Result unknown = daemon.tally("grant", "alice-shared", "nosuchuser");
        assertEquals(1, unknown.code());
        assertEquals("tally: grant: no such user on this host: nosuchuser\n", unknown.err());

        Daemon.Result grant = tally("carol", "grant", "alice-shared", "bob");
        assertEquals(0, grant.code(), grant.err());
        assertEquals(0, docker("bob", "exec", "alice-shared", "true").code());
        assertTrue(docker("bob", "inspect", "alice-shared").code() == 0);
        assertTrue(docker("bob", "ps").out().contains("alice-shared"));
        Daemon.Result bobsEvents = docker("bob", "events", "--since", "0", "--until", "0s",
                "--filter", "container=alice-shared");
        assertTrue(bobsEvents.out().contains("container grant"), bobsEvents.out());
        assertTrue(bobsEvents.out().contains("exec_start"), bobsEvents.out());
        assertFalse(bobsEvents.out().contains("container create"), "events before the grant stay hidden: "
                + bobsEvents.out());

        Daemon.Result revoke = daemon.tally("revoke", "alice-shared", "bob");
        assertEquals(0, revoke.code(), revoke.err());
        looksMissingTo("bob", "alice-shared");
        Daemon.Result again = daemon.tally("revoke", "alice-shared", "bob");
        assertEquals("tally: revoke: bob has no grant on container alice-shared\n", again.err());
        assertEquals(0, docker("alice", "rm", "-f", "alice-shared").code());
    }

    @Test
    void optionsThatAmountToRootAreForAdminsOnly() throws Exception {
        Map<String, List<String>> refused = Map.of(
                "--privileged", List.of("--privileged"),
                "--cap-add", List.of("--cap-add", "SYS_ADMIN"),
                "--device", List.of("--device", "/dev/null"),
                "--security-opt", List.of("--security-opt", "seccomp=unconfined"),
                "--pid host", List.of("--pid", "host"),
                "--network host", List.of("--network", "host"),
                "binding host path /etc", List.of("-v", "/etc:/host-etc"));
        for (Map.Entry<String, List<String>> option : refused.entrySet()) {
            List<String> args = new ArrayList<>(List.of("run", "--rm"));
            args.addAll(option.getValue());
            args.addAll(List.of("busybox", "true"));
            Daemon.Result r = docker("alice", args.toArray(String[]::new));
            // a refused request, as with Docker's authorization plugins: 125, not the 126 the docker
            // CLI gives for any answer that says "permission denied" (a command that cannot run)
            assertEquals(125, r.code(), option.getKey() + ": " + r.out() + r.err());
            assertTrue(r.err().contains("authorization denied: " + option.getKey() + " is for tally admins only"),
                    r.err());
            Daemon.Result admin = docker("carol", args.toArray(String[]::new));
            assertEquals(0, admin.code(), "carol " + option.getKey() + ": " + admin.err());
        }
        Daemon.Result viaTally = tally("alice", "run", "--rm", "--privileged", "busybox", "true");
        assertEquals(125, viaTally.code());
        assertEquals("tally: run: authorization denied: --privileged is for tally admins only\n", viaTally.err());

        // the HTTP answer itself is a 403 with Docker's error body
        Daemon.Result http = HostUsers.as("alice", Map.of(), List.of("curl", "-s", "-w", "%{http_code}", "--unix-socket", daemon.socket.toString(), "-H", "Content-Type: application/json",
                "-d", "{\"Image\":\"busybox\",\"HostConfig\":{\"Privileged\":true}}", "http://d/v1.50/containers/create"));
        assertEquals("{\"message\":\"authorization denied: --privileged is for tally admins only\"}\n403", http.out());

        // below the allowed path a user may bind; through a link that leads out of it, not
        Path mine = Files.createDirectories(shared.resolve("alice"));
        Files.writeString(mine.resolve("note"), "shared note\n");
        Daemon.Result bound = docker("alice", "run", "--rm", "-v", mine + ":/d:ro", "busybox", "cat", "/d/note");
        assertEquals("shared note\n", bound.out(), bound.err());
        Path link = Files.createSymbolicLink(shared.resolve("link-" + System.nanoTime()), Path.of("/etc"));
        Daemon.Result viaLink = docker("alice", "run", "--rm", "-v", link + ":/d:ro", "busybox", "true");
        assertEquals(125, viaLink.code());
        assertTrue(viaLink.err().contains("authorization denied: binding host path " + link + " (really /etc)"),
                viaLink.err());
    }

    @Test
    void everyRefusalIsInTheLogWithWhoAskedAndWhy() {
        run("alice", "alice-audited");
        int bob = HostUsers.uid("bob");
        int alice = HostUsers.uid("alice");
        docker("bob", "stop", "alice-audited");
        docker("alice", "run", "--rm", "--privileged", "busybox", "true");

        Daemon.Result log = daemon.tally("events", "--since", "0", "--until", "0s", "--filter", "type=tally");
        assertEquals(0, log.code(), log.err());
        List<String> lines = log.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("tally access-denied container/alice-audited")
                && l.contains("action=container.stop") && l.contains("reason=not the owner, and no grant")
                && l.contains("tally.uid=" + bob + ",")), log.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("tally access-denied container/")
                && l.contains("action=container.create") && l.contains("--privileged is for tally admins only")
                && l.contains("tally.uid=" + alice + ",")), log.out());

        // a user reads their own refusals and no one else's
        Daemon.Result bobsLog = docker("bob", "events", "--since", "0", "--until", "0s", "--filter", "type=tally");
        assertTrue(bobsLog.out().contains("container/alice-audited"), bobsLog.out());
        assertFalse(bobsLog.out().lines().anyMatch(l -> l.contains("tally.uid=" + alice + ",")), bobsLog.out());
        assertEquals(0, docker("alice", "rm", "-f", "alice-audited").code());
    }

    @Test
    void namesAreGlobalButTheHolderIsNotNamedToOthers() {
        String id = run("alice", "alice-name");
        Daemon.Result taken = docker("bob", "create", "--name", "alice-name", "busybox", "true");
        assertEquals(1, taken.code());
        assertTrue(taken.err().contains("\"/alice-name\" is already in use by another user's container"), taken.err());
        assertFalse(taken.err().contains(id.substring(0, 12)), taken.err());
        assertEquals(0, docker("alice", "rm", "-f", "alice-name").code());
    }

    /** Issue 13 changed this: a user's image is theirs (bob no longer runs alice's), and alice may move her own names. */
    @Test
    void aUsersImageIsTheirsAndOnlyAdminsRepointAnotherUsersName() {
        Path tar = daemon.root.resolve("busybox.tar");
        Daemon.Result replace = docker("alice", "import", tar.toString(), "busybox:latest");
        assertTrue(replace.code() != 0);
        assertTrue(replace.err().contains("authorization denied: busybox:latest was pointed at its image by another user"),
                replace.err());
        Daemon.Result own = docker("alice", "import", tar.toString(), "alice/tools:1");
        assertEquals(0, own.code(), own.err());
        Daemon.Result bobRuns = docker("bob", "run", "--rm", "alice/tools:1", "echo", "shared");
        assertEquals("shared\n", bobRuns.out(), "busybox's content is root's import too: " + bobRuns.err());
        Daemon.Result ownAgain = docker("alice", "import", tar.toString(), "alice/tools:1");
        assertEquals(0, ownAgain.code(), "her own name: " + ownAgain.err());
        Daemon.Result admin = docker("carol", "import", tar.toString(), "alice/tools:1");
        assertEquals(0, admin.code(), admin.err());
    }

    @Test
    void volumesBelongToWhoeverMadeThem() {
        assertEquals(0, docker("alice", "volume", "create", "alice-vol").code());
        Daemon.Result inspect = docker("bob", "volume", "inspect", "alice-vol");
        Daemon.Result missing = docker("bob", "volume", "inspect", "nosuch-vol");
        assertEquals(missing.code(), inspect.code());
        assertEquals(missing.err().replace("nosuch-vol", "alice-vol"), inspect.err());
        assertFalse(docker("bob", "volume", "ls").out().contains("alice-vol"));
        Daemon.Result mount = docker("bob", "run", "--rm", "-v", "alice-vol:/d", "busybox", "true");
        assertEquals(125, mount.code());
        assertTrue(mount.err().contains("in use by another user's volume"), mount.err());
        assertEquals(0, docker("alice", "volume", "rm", "alice-vol").code());
    }

    /**
     * A stream since a moment starts at the first event at it (found by a lookup; owners, grants and
     * names from before it still count), and shows each user what they may read from there on.
     */
    @Test
    void eventsSinceAMomentShowEachUserWhatTheyMaySee() {
        run("alice", "ev-shared");
        assertEquals(0, tally("carol", "grant", "ev-shared", "bob").code());
        assertEquals(0, docker("alice", "create", "--name", "ev-private", "busybox", "true").code());
        for (int i = 0; i < 8; i++) {
            assertEquals(0, docker("bob", "volume", "create", "ev-fill-" + i).code());
        }
        long since = Instant.now().getEpochSecond() + 1;
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> Instant.now().getEpochSecond() >= since);
        assertEquals(0, docker("alice", "exec", "ev-shared", "true").code());
        assertEquals(0, docker("alice", "rm", "ev-private").code());
        assertEquals(0, docker("bob", "volume", "rm", "ev-fill-0").code());

        Map<String, String> seen = new java.util.HashMap<>();
        for (String user : List.of("alice", "bob", "carol")) {
            Daemon.Result r = docker(user, "events", "--since", Long.toString(since), "--until", "0s",
                    "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}");
            assertEquals(0, r.code(), user + ": " + r.err());
            assertFalse(r.out().contains(" create ") || r.out().contains(" grant ") || r.out().contains("ev-fill-1"),
                    user + " sees only what happened since: " + r.out());
            seen.put(user, r.out());
        }
        assertTrue(seen.get("alice").contains("container exec_start"), seen.get("alice"));
        assertTrue(seen.get("alice").contains("container destroy"), seen.get("alice"));
        assertFalse(seen.get("alice").contains("volume destroy ev-fill-0"), "bob's volume: " + seen.get("alice"));
        assertTrue(seen.get("bob").contains("container exec_start"), "granted before since: " + seen.get("bob"));
        assertTrue(seen.get("bob").contains("volume destroy ev-fill-0"), seen.get("bob"));
        assertFalse(seen.get("bob").contains("ev-private"), "alice's: " + seen.get("bob"));
        assertTrue(seen.get("carol").contains("container destroy") && seen.get("carol").contains(" ev-private"),
                "an admin sees all, named as created before since: " + seen.get("carol"));
        assertTrue(seen.get("carol").contains(" ev-shared") && seen.get("carol").contains("volume destroy ev-fill-0"),
                seen.get("carol"));
        assertEquals(0, docker("alice", "rm", "-f", "ev-shared").code());
    }

    /** A stream without since starts now: nothing stored before the request, then what comes. */
    @Test
    void eventsWithoutSinceShowOnlyNewEvents() throws Exception {
        assertEquals(0, docker("bob", "volume", "create", "ev-before").code());
        Path out = daemon.root.resolve("events-now.out");
        Process curl = new ProcessBuilder("curl", "-sN", "--unix-socket", daemon.socket.toString(),
                "http://localhost/v1.50/events?filters=%7B%22type%22%3A%5B%22volume%22%5D%7D")
                .redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            int[] n = {0};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertEquals(0, docker("bob", "volume", "create", "ev-live-" + n[0]++).code());
                return Files.readString(out).contains("ev-live-");
            });
        } finally {
            curl.destroy();
            curl.waitFor();
        }
        String events = Files.readString(out);
        assertFalse(events.contains("ev-before") || events.contains("ev-fill"), events);
        assertTrue(events.contains("\"Action\":\"create\""), events);
    }
}
