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
 * Issue 10, finding 6: one non-admin user (alice) floods the daemon with stops that never end (a
 * signal busybox ignores and a timeout of 68 years) and a body of 300 MB; an admin's ps (carol)
 * and another user's run --rm (bob) still answer within a second, and the body is refused (413).
 */
class StarvationIT {

    private static final int STOPS = 30;
    private static final Duration PROMPT = Duration.ofSeconds(1);

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

    private static String curl(String args) {
        return "curl -s -o /dev/null -w '%{http_code}' --unix-socket " + daemon.socket + " " + args;
    }

    /** The stops alice's container was asked for, as the log's Docker messages tell an admin. */
    private static long stopsRequested(String id) {
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=" + id,
                "--format", "{{.Action}}");
        return events.out().lines().filter("stop"::equals).count();
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
        List<Process> flood = new ArrayList<>();
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

            for (int round = 0; round < 3; round++) {
                Duration ps = timed(() -> {
                    Daemon.Result r = docker("carol", "ps", "-a");
                    assertEquals(0, r.code(), r.err());
                    assertTrue(r.out().contains("flood-target"), r.out());
                });
                assertTrue(ps.compareTo(PROMPT) < 0, "carol's ps took " + ps);
                Duration run = timed(() -> {
                    Daemon.Result r = docker("bob", "run", "--rm", "busybox", "echo", "still here");
                    assertEquals(0, r.code(), r.err());
                    assertEquals("still here\n", r.out());
                });
                assertTrue(run.compareTo(PROMPT) < 0, "bob's run --rm took " + run);
            }

            assertTrue(body.waitFor(60, TimeUnit.SECONDS), "the 300 MB body was not refused");
            assertEquals("413", Files.readString(bodyStatus, StandardCharsets.UTF_8).strip());
        } finally {
            for (Process p : flood) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        }
        Daemon.Result removed = daemon.docker("rm", "-f", id);
        assertEquals(0, removed.code(), removed.err());
    }
}
