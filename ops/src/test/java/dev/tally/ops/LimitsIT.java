package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6, the per-user limits of connections, streams and exec sessions, as alice (group
 * tally) against a real tallyd with small limits: beyond each she gets a 429 that says which limit,
 * the refusal is in the audit log, bob and carol (an admin) are unaffected; idle connections are
 * closed while silent streams (events, logs -f, wait, attach, exec -i) outlive the idle timeout.
 */
class LimitsIT {

    private static final Duration IDLE = Duration.ofSeconds(2);

    /** The users, and tallyd with small limits. */
    static final class SmallLimits implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            new SharedHostUsers.Made().prepare(unstarted);
            unstarted.withArgs("--limit", "idle-timeout=" + IDLE.toSeconds() + "s", "--limit", "connections-per-user=16",
                    "--limit", "execs-per-user=4", "--limit", "event-streams-per-user=3", "--limit", "followers-per-user=3");
        }
    }

    @BusyboxDaemon(beforeStart = SmallLimits.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static Path connectionScript;
    private HeldProcesses held;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
        connectionScript = HeldProcesses.connectionHolder(daemon.root);
    }

    @BeforeEach
    void processes() throws Exception {
        held = new HeldProcesses(daemon.root.resolve("held-" + System.nanoTime()));
    }

    @AfterEach
    void end() {
        held.close();
    }

    private static Map<String, String> host() {
        return Map.of("DOCKER_HOST", "unix://" + daemon.socket);
    }

    private static String running(String user, String name) {
        Daemon.Result r = users.docker(user, "run", "-d", "--name", name, "busybox", "sleep", "300");
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    /** Whether the audit log holds a refusal of alice's over a limit: this action, with status 429. */
    private static boolean aliceWasRefused(String action) {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", "alice", "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().anyMatch(l -> l.contains("\"action\":\"" + action + "\"") && l.contains("\"code\":429,"));
    }

    private static String curlAs(String user, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-w", " %{http_code}", "--unix-socket",
                daemon.socket.toString()));
        cmd.addAll(List.of(args));
        Daemon.Result r = HostUsers.as(user, Map.of(), cmd);
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    @Test
    void anIdleConnectionIsClosedWhileSilentStreamsOutliveTheIdleTimeout() throws Exception {
        String id = running("alice", "quiet");
        HeldProcesses.Held events = held.start("alice", host(), "docker", "events", "--filter", "container=" + id,
                "--format", "{{.Action}}");
        HeldProcesses.Held logs = held.start("alice", host(), "docker", "logs", "-f", id);
        HeldProcesses.Held waiting = held.start("alice", host(), "docker", "wait", id);
        HeldProcesses.Held attached = held.start("alice", host(), "docker", "attach", "--no-stdin", id);
        HeldProcesses.Held exec = held.start("alice", host(), "docker", "exec", "-i", id, "sh", "-c", "read x; echo got $x");
        HeldProcesses.Held idle = held.start("alice", Map.of(), "/usr/bin/python3", "-c", String.join("\n",
                "import socket, sys, time",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "s.connect(sys.argv[1])",
                "s.settimeout(60)",
                "print('closed' if s.recv(1) == b'' else 'answered', flush=True)"), daemon.socket.toString());

        await().atMost(IDLE.multipliedBy(10)).until(() -> idle.out().contains("closed"));
        await().during(IDLE.multipliedBy(3)).atMost(IDLE.multipliedBy(5)).until(() ->
                events.process().isAlive() && logs.process().isAlive() && waiting.process().isAlive()
                        && attached.process().isAlive() && exec.process().isAlive());

        exec.type("hello\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> !exec.process().isAlive());
        assertEquals("got hello\n", exec.out(), exec.err());
        assertEquals(0, users.docker("alice", "kill", id).code());
        await().atMost(Duration.ofSeconds(30)).until(() -> !waiting.process().isAlive() && !logs.process().isAlive()
                && !attached.process().isAlive());
        assertEquals("137\n", waiting.out(), waiting.err());
        await().atMost(Duration.ofSeconds(30)).until(() -> events.out().contains("die"));
        assertEquals(0, users.docker("alice", "rm", id).code());
    }

    @Test
    void connectionsBeyondAUsersCapAreA429OnTheRecordAndOthersStillAnswer() throws Exception {
        String id = running("alice", "held-open");
        String waitRequest = "POST /containers/" + id + "/wait HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n";
        HeldProcesses.Held holder = held.start("alice", Map.of(), "/usr/bin/python3", connectionScript.toString(),
                daemon.socket.toString(), "16", waitRequest);
        await().atMost(Duration.ofSeconds(60)).until(() -> holder.out().contains("holding") || !holder.process().isAlive());
        String extra = holder.out();
        assertTrue(extra.startsWith("HTTP/1.1 429"), extra + holder.err());
        assertTrue(extra.contains("too many connections of alice at once: 16 open"), extra);

        Daemon.Result alices = users.docker("alice", "ps");
        assertNotEquals(0, alices.code());
        assertTrue(alices.err().contains("too many connections of alice"), alices.err());
        Daemon.Result bobs = users.docker("bob", "ps");
        assertEquals(0, bobs.code(), bobs.err());
        Daemon.Result carols = users.docker("carol", "ps");
        assertEquals(0, carols.code(), carols.err());
        assertTrue(carols.out().contains("held-open"), carols.out());
        await().atMost(Duration.ofSeconds(30)).until(() -> aliceWasRefused("connection.open"));

        held.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> users.docker("alice", "ps").code() == 0);
        assertEquals(0, users.docker("alice", "rm", "-f", id).code());
    }

    @Test
    void execSessionsBeyondAUsersCapAreA429OnTheRecord() {
        String id = running("alice", "exec-target");
        String bobs = running("bob", "exec-bob");
        String create = "http://d/containers/" + id + "/exec";
        String body = "{\"Cmd\":[\"true\"]}";
        for (int i = 0; i < 4; i++) {
            assertTrue(curlAs("alice", "-X", "POST", "-H", "Content-Type: application/json", "-d", body, create)
                    .endsWith(" 201"));
        }
        String refused = curlAs("alice", "-X", "POST", "-H", "Content-Type: application/json", "-d", body, create);
        assertTrue(refused.endsWith(" 429"), refused);
        assertTrue(refused.contains("too many exec sessions of alice at once: 4 created or running"), refused);
        Daemon.Result exec = users.docker("alice", "exec", id, "true");
        assertNotEquals(0, exec.code());
        assertTrue(exec.err().contains("too many exec sessions"), exec.err());
        assertTrue(aliceWasRefused("exec.create"));

        Daemon.Result bobsExec = users.docker("bob", "exec", bobs, "echo", "bob's");
        assertEquals("bob's\n", bobsExec.out(), bobsExec.err());
        for (int i = 0; i < 6; i++) {
            Daemon.Result carols = users.docker("carol", "exec", id, "echo", "carol's");
            assertEquals("carol's\n", carols.out(), carols.err());
        }
        assertEquals(0, users.docker("alice", "rm", "-f", id).code());
        assertEquals(0, users.docker("bob", "rm", "-f", bobs).code());
    }

    /**
     * The caps are probed only once alice's three streams of each kind are open (each has shown
     * something): a probe is a stream too while it is admitted, and one admitted before her held
     * streams had all connected (their CLIs start slowly under load) took the place of one of them,
     * which was refused and ended; the cap was then never reached, and the wait ran out.
     */
    @Test
    void eventStreamsAndFollowersBeyondAUsersCapsAreA429OnTheRecord() throws Exception {
        Daemon.Result ticking = users.docker("alice", "run", "-d", "--name", "followed", "busybox", "sh", "-c",
                "while :; do echo tick; sleep 1; done");
        assertEquals(0, ticking.code(), ticking.err());
        String id = ticking.out().strip();
        List<HeldProcesses.Held> streams = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            streams.add(held.start("alice", host(), "docker", "events", "--filter", "container=" + id));
            streams.add(held.start("alice", host(), "docker", "logs", "-f", id));
        }
        // SIGWINCH ends nothing; its kill event reaches every connected events stream, the ticks every follower
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (HeldProcesses.Held h : streams) {
                assertTrue(h.process().isAlive() || !h.out().isEmpty(), "a held stream ended: " + h.err());
            }
            users.docker("alice", "kill", "-s", "WINCH", id);
            return streams.stream().allMatch(h -> !h.out().isEmpty());
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Daemon.Result r = users.docker("alice", "events", "--since", "0", "--until", "0s");
            return r.code() != 0 && r.err().contains("too many event streams of alice at once: 3 open");
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Daemon.Result r = HostUsers.as("alice", host(), List.of("timeout", "5", "docker", "logs", "-f", id));
            return r.code() != 0 && r.code() != 124 && r.err().contains("too many attach and logs --follow streams of alice");
        });
        Daemon.Result bobs = users.docker("bob", "events", "--since", "0", "--until", "0s");
        assertEquals(0, bobs.code(), bobs.err());
        assertTrue(aliceWasRefused("events.stream"));
        assertTrue(aliceWasRefused("container.follow"));

        held.close();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                users.docker("alice", "events", "--since", "0", "--until", "0s").code() == 0);
        assertEquals(0, users.docker("alice", "rm", "-f", id).code());
    }
}
