package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, races: many clients at once on one name or one container, through the real socket. Each
 * race ends consistent (one container per name, one removal in the log, nothing left running or
 * mounted on the host), every loser is told why with Docker's status and message (409, 404, 304),
 * and no request is answered 500.
 */
class RacesIT {

    private static final int CLIENTS = 8;
    private static final long MARKER = 6_100_000L + new java.util.Random().nextInt(100_000);

    @BusyboxDaemon
    private static Daemon daemon;
    private static final ExecutorService CALLERS = Executors.newCachedThreadPool();
    private long logSeen;

    record Reply(int status, String body) {
    }

    @AfterAll
    static void callers() {
        CALLERS.shutdownNow();
    }

    @BeforeEach
    void markLog() throws IOException {
        logSeen = daemon.log().length();
    }

    /** One request with curl on the daemon's socket. */
    private static Reply http(String method, String path, String body) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}", "--unix-socket",
                daemon.socket.toString(), "-X", method));
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        }
        cmd.add("http://localhost" + path);
        Daemon.Result r = Daemon.exec(cmd, Map.of());
        String out = r.out();
        int cut = out.lastIndexOf('\n');
        return new Reply(Integer.parseInt(out.substring(cut + 1).strip()), out.substring(0, Math.max(cut, 0)));
    }

    /** Runs the requests at once (each waits for all to be ready), in the order given back. */
    @SafeVarargs
    private static List<Reply> atOnce(java.util.function.Supplier<Reply>... requests) throws Exception {
        CyclicBarrier ready = new CyclicBarrier(requests.length);
        List<Future<Reply>> replies = new ArrayList<>();
        for (java.util.function.Supplier<Reply> request : requests) {
            replies.add(CALLERS.submit(() -> {
                ready.await(30, TimeUnit.SECONDS);
                return request.get();
            }));
        }
        List<Reply> all = new ArrayList<>();
        for (Future<Reply> f : replies) {
            all.add(f.get(120, TimeUnit.SECONDS));
        }
        return all;
    }

    /** The request, {@code n} times. */
    @SuppressWarnings("unchecked")
    private static java.util.function.Supplier<Reply>[] times(int n, java.util.function.Supplier<Reply> request) {
        return java.util.Collections.nCopies(n, request).toArray(java.util.function.Supplier[]::new);
    }

    private static String create(String name) {
        Reply r = http("POST", "/containers/create" + (name == null ? "" : "?name=" + name),
                "{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"" + MARKER + "\"]}");
        assertEquals(201, r.status(), r.body());
        return r.body().replaceAll(".*\"Id\" *: *\"([0-9a-f]{64})\".*", "$1").strip();
    }

    private static String running() {
        String id = create(null);
        assertEquals(204, http("POST", "/containers/" + id + "/start", null).status());
        return id;
    }

    /** Each reply is one of these statuses, and a refusal carries Docker's message. */
    private static void allowed(List<Reply> replies, Set<Integer> statuses) {
        for (Reply r : replies) {
            assertTrue(statuses.contains(r.status()), "status " + r.status() + ": " + r.body());
            if (r.status() >= 400) {
                assertTrue(r.body().matches("(?s)\\{\"message\":\".+\"}\\s*"), r.body());
            }
        }
    }

    /** No request since the test began was answered 500 (the daemon logs each). */
    private void noServerErrors() throws IOException {
        String since = daemon.log().substring((int) logSeen);
        assertTrue(!since.contains("request failed"), since);
    }

    /** The container is gone from ps, its removal is in the log once, and nothing of it is left on the host. */
    private static void goneEverywhere(String id) throws IOException {
        Daemon.Result ps = daemon.docker("ps", "-a", "-q", "--no-trunc");
        assertTrue(!ps.out().contains(id), ps.out());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=" + id,
                "--format", "{{.Action}}");
        assertEquals(1, events.out().lines().filter("destroy"::equals).count(), events.out());
        assertTrue(events.out().lines().filter("die"::equals).count() <= 1, events.out());
        assertTrue(Files.notExists(daemon.root.resolve("run/runc/" + id)), "runc state of " + id + " is left");
        assertTrue(Files.notExists(daemon.root.resolve("data/containers/" + id)), "bundle of " + id + " is left");
        assertTrue(Files.readString(java.nio.file.Path.of("/proc/mounts")).lines().noneMatch(l -> l.contains(id)),
                "a mount of " + id + " is left");
        assertEquals(List.of(), CrashChecks.processes("sleep\0" + MARKER + "\0").stream()
                .filter(pid -> runsIn(pid, id)).toList(), "a process of " + id + " is left");
    }

    /** Whether the process is in the container's cgroup. */
    private static boolean runsIn(long pid, String id) {
        try {
            return Files.readString(java.nio.file.Path.of("/proc/" + pid + "/cgroup")).contains(id);
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void manyClientsCreatingOneNameGetOneContainerAndTheOthersAConflict() throws Exception {
        for (int round = 0; round < 3; round++) {
            String name = "race-name-" + round;
            List<Reply> replies = atOnce(times(CLIENTS, () -> http("POST", "/containers/create?name=" + name,
                    "{\"Image\":\"busybox\",\"Cmd\":[\"true\"]}")));
            allowed(replies, Set.of(201, 409));
            assertEquals(1, replies.stream().filter(r -> r.status() == 201).count(), replies.toString());
            replies.stream().filter(r -> r.status() == 409).forEach(r ->
                    assertTrue(r.body().replace("\\\"", "\"").contains("\"/" + name + "\" is already in use"), r.body()));
            Daemon.Result named = daemon.docker("ps", "-a", "--format", "{{.Names}}");
            assertEquals(1, named.out().lines().filter(name::equals).count(), named.out());
            Daemon.Result created = daemon.docker("events", "--since", "0", "--until", "0s", "--filter",
                    "event=create", "--filter", "type=container", "--format", "{{.Actor.Attributes.name}}");
            assertEquals(1, created.out().lines().filter(name::equals).count(), created.out());
            assertEquals(0, daemon.docker("rm", name).code());
        }
        noServerErrors();
    }

    @Test
    void stopsAndRemovalsOfOneContainerAtOnceEndWithItGoneOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            String id = running();
            List<java.util.function.Supplier<Reply>> mixed = new ArrayList<>();
            for (int i = 0; i < CLIENTS / 2; i++) {
                mixed.add(() -> http("POST", "/containers/" + id + "/stop?t=1", null));
                mixed.add(() -> http("DELETE", "/containers/" + id + "?force=1", null));
            }
            @SuppressWarnings("unchecked")
            List<Reply> replies = atOnce(mixed.toArray(java.util.function.Supplier[]::new));
            allowed(replies, Set.of(204, 304, 404, 409));
            assertTrue(replies.stream().anyMatch(r -> r.status() == 204), replies.toString());
            goneEverywhere(id);
        }
        noServerErrors();
    }

    @Test
    void aStartAndARemovalAtOnceLeaveNothingRunning() throws Exception {
        for (int round = 0; round < 4; round++) {
            String id = create(null);
            List<Reply> replies = atOnce(() -> http("POST", "/containers/" + id + "/start", null),
                    () -> http("DELETE", "/containers/" + id + "?force=1", null));
            allowed(replies.subList(0, 1), Set.of(204, 404, 409));
            allowed(replies.subList(1, 2), Set.of(204, 409));
            if (replies.get(1).status() == 409) {
                // the removal lost to the start: it says why, and a second one succeeds
                assertEquals(204, http("DELETE", "/containers/" + id + "?force=1", null).status());
            }
            goneEverywhere(id);
        }
        noServerErrors();
    }

    @Test
    void anExecAndARemovalAtOnceLeaveNothingRunning() throws Exception {
        for (int round = 0; round < 4; round++) {
            String id = running();
            List<Reply> replies = atOnce(() -> {
                Reply made = http("POST", "/containers/" + id + "/exec", "{\"Cmd\":[\"sleep\",\"" + MARKER + "\"]}");
                if (made.status() != 201) {
                    return made;
                }
                String exec = made.body().replaceAll(".*\"Id\" *: *\"([0-9a-f]+)\".*", "$1").strip();
                return http("POST", "/exec/" + exec + "/start", "{\"Detach\":true}");
            }, () -> http("DELETE", "/containers/" + id + "?force=1", null));
            allowed(replies.subList(0, 1), Set.of(200, 204, 404, 409));
            allowed(replies.subList(1, 2), Set.of(204));
            goneEverywhere(id);
        }
        noServerErrors();
    }

    @Test
    void manyClientsCreatingOneVolumeGetTheOneVolume() throws Exception {
        List<Reply> replies = atOnce(times(CLIENTS, () -> http("POST", "/volumes/create", "{\"Name\":\"race-vol\"}")));
        allowed(replies, Set.of(201));
        Daemon.Result created = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "type=volume",
                "--filter", "event=create", "--format", "{{.Actor.ID}}");
        assertEquals(1, created.out().lines().filter("race-vol"::equals).count(), created.out());
        assertEquals(1, daemon.docker("volume", "ls", "-q").out().lines().filter("race-vol"::equals).count());
        assertEquals(0, daemon.docker("volume", "rm", "race-vol").code());
        noServerErrors();
    }
}
