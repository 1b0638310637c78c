package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: one non-admin user (alice) floods the daemon every way the finding names: stops
 * that never end (a signal busybox ignores and a timeout of 68 years), a body of 300 MB, connections
 * held idle beyond her cap, exec sessions created beyond hers, event streams beyond hers, {@code logs
 * --tail} of a big log over and over, and an upload of 300 MB; an admin's ps (carol) and another
 * user's run --rm (bob) still answer, less than a second later than the same commands without the
 * flood (see {@link #PROMPT}), the body is refused (413), and each cap did refuse her (429). The
 * limits are the daemon's defaults ({@code docs/security.md}).
 */
class StarvationIT {

    private static final int STOPS = 30;
    /**
     * The promise: the flood delays an admin's ps and another user's run --rm by less than this. The
     * machine's own load (other builds on two cores) is measured out: each command is timed as the
     * fastest of a few rounds, with and without the flood. A starved daemon fails every round.
     */
    private static final Duration PROMPT = Duration.ofSeconds(1);
    private static final int ROUNDS = 4;

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    private static Daemon.Result docker(String user, String... args) {
        return users.docker(user, args);
    }

    /** A request as the user through curl, not waited for; its output (the HTTP status) goes to {@code out}. */
    private static Process curlAs(String user, Path out, String shellCommand) throws IOException {
        return new ProcessBuilder("runuser", "-u", user, "--", "sh", "-c", shellCommand)
                .directory(Path.of("/").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** {@code times} requests one after the other as a shell loop; each status on a line of its own. */
    private static String curlLoop(int times, String args) {
        return "i=0; while [ $i -lt " + times + " ]; do i=$((i+1)); " + curl(args) + "; echo; done";
    }

    private static String curl(String args) {
        return "curl -s -o /dev/null -w '%{http_code}' --unix-socket " + daemon.socket + " " + args;
    }

    /** The stops alice's container was asked for, as the log's Docker messages tell an admin. */
    private static long stopsRequested(String id) {
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=" + id,
                "--format", "{{.Action}}");
        return events.out().lines().filter("stop"::equals).count();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new AssertionError("read " + p + ": " + e, e);
        }
    }

    private static void carolsPs() {
        Daemon.Result r = docker("carol", "ps", "-a");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("flood-target"), r.out());
    }

    private static void bobsRun() {
        Daemon.Result r = docker("bob", "run", "--rm", "busybox", "echo", "still here");
        assertEquals(0, r.code(), r.err());
        assertEquals("still here\n", r.out());
    }

    /** The fastest of {@code rounds} runs, each of which must succeed. */
    private static Duration fastest(int rounds, Runnable r) {
        Duration best = null;
        for (int i = 0; i < rounds; i++) {
            Duration t = timed(r);
            best = best == null || t.compareTo(best) < 0 ? t : best;
        }
        return best;
    }

    private static Duration timed(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void oneUsersFloodLeavesAnAdminsPsAndAnotherUsersRunAnswering() throws Exception {
        Daemon.Result target = docker("alice", "run", "-d", "--name", "flood-target", "busybox", "sleep", "300");
        assertEquals(0, target.code(), target.err());
        String id = target.out().strip();
        Path outputs = Files.createDirectories(daemon.root.resolve("flood"));
        Daemon.exec(List.of("chmod", "0777", outputs.toString()), Map.of());
        // what the same commands take on this machine as it is now, without the flood
        Duration psAlone = fastest(ROUNDS, StarvationIT::carolsPs);
        Duration runAlone = fastest(ROUNDS, StarvationIT::bobsRun);
        List<Process> flood = new ArrayList<>();
        HeldProcesses more = new HeldProcesses(outputs.resolve("held"));
        try {
            for (int i = 0; i < STOPS; i++) {
                flood.add(curlAs("alice", outputs.resolve("stop-" + i), curl("-X POST 'http://d/containers/" + id
                        + "/stop?t=2147483647&signal=WINCH'")));
            }
            Path bodyStatus = outputs.resolve("body");
            Process body = curlAs("alice", bodyStatus, "head -c 314572800 /dev/zero | " + curl(
                    "-X POST -H 'Content-Type: application/json' -T - http://d/containers/create"));
            flood.add(body);
            await().atMost(Duration.ofSeconds(90)).until(() -> stopsRequested(id) >= STOPS);
            for (Process stop : flood.subList(0, STOPS)) {
                assertTrue(stop.isAlive(), "a stop of a container that ignores its signal answered early");
            }

            // a log of 300,000 lines, read with --tail over and over
            Daemon.Result logger = docker("alice", "run", "-d", "--name", "flood-log", "busybox", "sh", "-c",
                    "seq 1 300000; sleep 300");
            assertEquals(0, logger.code(), logger.err());
            String log = logger.out().strip();
            await().atMost(Duration.ofSeconds(60)).until(() -> docker("alice", "logs", "--tail", "1", log).out().equals("300000\n"));
            Path tails = outputs.resolve("tails");
            Process tailer = curlAs("alice", tails, curlLoop(40, "'http://d/containers/" + log + "/logs?stdout=1&tail=2'"));
            flood.add(tailer);
            // exec sessions created and never started, more than her cap
            Path execs = outputs.resolve("execs");
            flood.add(curlAs("alice", execs, curlLoop(60, "-X POST -H 'Content-Type: application/json' -d '{\"Cmd\":[\"true\"]}' http://d/containers/"
                    + id + "/exec")));
            // event streams, more than her cap
            List<Path> streams = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                Path out = outputs.resolve("events-" + i);
                streams.add(out);
                flood.add(curlAs("alice", out, curl("-N http://d/events")));
            }
            // an upload of 300 MB, streamed to the data root
            Path upload = outputs.resolve("upload");
            flood.add(curlAs("alice", upload, "head -c 314572800 /dev/zero | " + curl(
                    "-X POST -T - 'http://d/images/create?fromSrc=-&repo=flood-upload'")));
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    streams.stream().anyMatch(p -> read(p).contains("429")) && read(execs).contains("429"));
            // then connections held idle, more than her cap (64, with her stops and streams; fewer than
            // Connections.REFUSED_HELD beyond it, so that the one after them is answered, not just closed)
            HeldProcesses.Held holder = more.start("alice", Map.of(), "/usr/bin/python3",
                    HeldProcesses.connectionHolder(daemon.root).toString(), daemon.socket.toString(), "40", "");
            await().atMost(Duration.ofSeconds(60)).until(() -> holder.out().contains("holding"));
            assertTrue(holder.out().startsWith("HTTP/1.1 429"), holder.out());

            Duration psFlooded = fastest(ROUNDS, StarvationIT::carolsPs);
            Duration runFlooded = fastest(ROUNDS, StarvationIT::bobsRun);
            System.out.println("StarvationIT: carol's ps " + psAlone + " alone, " + psFlooded + " flooded; bob's run --rm "
                    + runAlone + " alone, " + runFlooded + " flooded");
            assertTrue(psFlooded.minus(psAlone).compareTo(PROMPT) < 0,
                    "carol's ps took " + psFlooded + " under the flood, " + psAlone + " without it");
            assertTrue(runFlooded.minus(runAlone).compareTo(PROMPT) < 0,
                    "bob's run --rm took " + runFlooded + " under the flood, " + runAlone + " without it");

            assertTrue(body.waitFor(60, TimeUnit.SECONDS), "the 300 MB body was not refused");
            assertEquals("413", Files.readString(bodyStatus, StandardCharsets.UTF_8).strip());
            // --tail answers, or is refused a connection once her idle ones fill her cap: never fails or hangs
            assertTrue(tailer.waitFor(60, TimeUnit.SECONDS), "logs --tail of a big log did not answer");
            String tailed = read(tails);
            assertTrue(tailed.lines().allMatch(l -> l.equals("200") || l.equals("429")) && tailed.contains("200"), tailed);
        } finally {
            more.close();
            for (Process p : flood) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        }
        Daemon.Result removed = daemon.docker("rm", "-f", id, "flood-log");
        assertEquals(0, removed.code(), removed.err());
    }
}
