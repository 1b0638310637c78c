package dev.tally.cli.run;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FakeDaemonExtension.class)
class RunCmdTest {

    private static final String ID = "0123456789abcdef".repeat(4);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    private void answerCreate() {
        daemon.on("POST", "/containers/create",
                exchange -> exchange.respondJson(201, "{\"Id\":\"" + ID + "\",\"Warnings\":[]}"));
    }

    /** The wait endpoint: headers at once, the body only after the attach connection was closed. */
    private void answerWait(CountDownLatch attachClosed, int statusCode) {
        daemon.on("POST", "/containers/" + ID + "/wait", exchange -> {
            exchange.startChunked(200, "application/json");
            if (!attachClosed.await(10, SECONDS)) {
                throw new AssertionError("attach connection never closed");
            }
            exchange.chunk("{\"StatusCode\":" + statusCode + ",\"Error\":null}\n");
            exchange.endChunks();
        });
    }

    private List<String> paths() {
        return daemon.requests().stream().map(FakeDaemon.Request::path).toList();
    }

    /** The one request made to this container endpoint ({@code /attach}, {@code /wait}). */
    private FakeDaemon.Request request(String endpoint) {
        List<FakeDaemon.Request> matching = daemon.requests().stream()
                .filter(r -> r.path().equals("/containers/" + ID + endpoint)).toList();
        assertEquals(1, matching.size(), endpoint + " in " + paths());
        return matching.get(0);
    }

    /**
     * docker's order: create, then attach and wait (the CLI sends both before reading either
     * answer, so they may reach the daemon in either order), and start only after both.
     */
    private void assertAttachAndWaitBetweenCreateAndStart() {
        List<String> paths = paths();
        assertEquals(4, paths.size(), paths.toString());
        assertEquals("/containers/create", paths.get(0));
        assertEquals(java.util.Set.of("/containers/" + ID + "/attach", "/containers/" + ID + "/wait"),
                java.util.Set.copyOf(paths.subList(1, 3)));
        assertEquals("/containers/" + ID + "/start", paths.get(3));
    }

    @Test
    void attachedRunStreamsOutputAndExitsWithTheContainersStatus() throws IOException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch attachClosed = new CountDownLatch(1);
        answerCreate();
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            if (!started.await(10, SECONDS)) {
                throw new AssertionError("container never started");
            }
            exchange.out().write(StreamDemultiplexerTest.frame(1, "hello\n"));
            exchange.out().write(StreamDemultiplexerTest.frame(2, "oops\n"));
            exchange.out().flush();
            exchange.close();
            attachClosed.countDown();
        });
        answerWait(attachClosed, 3);
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> {
            exchange.respondEmpty(204);
            started.countDown();
        });

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.run(daemon.address(),
                "run", "--name", "web", "-e", "A=1", "-e", "FROM_ENV", "-e", "UNSET", "-m", "64m", "--cpus", "0.5",
                "--pids-limit", "100", "-l", "team=core", "-v", "/srv:/data:ro", "--network", "none",
                "busybox", "sh", "-c", "echo hi"));

        assertEquals(3, result.exitCode(), result.stderr());
        assertEquals("hello\n", result.stdout());
        assertEquals("oops\n", result.stderr());
        assertAttachAndWaitBetweenCreateAndStart();
        List<FakeDaemon.Request> requests = daemon.requests();
        assertEquals("name=web", requests.get(0).query());
        assertEquals("stream=1&stdout=1&stderr=1", request("/attach").query());
        assertEquals("condition=next-exit", request("/wait").query());

        Map<String, Object> body = JSON.std.mapFrom(requests.get(0).bodyText());
        assertEquals("busybox", body.get("Image"));
        assertEquals(List.of("sh", "-c", "echo hi"), body.get("Cmd"));
        assertTrue(body.containsKey("Entrypoint"), "Entrypoint is sent as null");
        assertEquals(null, body.get("Entrypoint"));
        assertEquals(List.of("A=1", "FROM_ENV=yes"), body.get("Env"));
        assertEquals(Map.of("team", "core"), body.get("Labels"));
        assertEquals(true, body.get("AttachStdout"));
        assertEquals(false, body.get("AttachStdin"));
        assertEquals(false, body.get("Tty"));
        @SuppressWarnings("unchecked")
        Map<String, Object> hostConfig = (Map<String, Object>) body.get("HostConfig");
        assertEquals(67108864, ((Number) hostConfig.get("Memory")).longValue());
        assertEquals(500000000, ((Number) hostConfig.get("NanoCpus")).longValue());
        assertEquals(100, ((Number) hostConfig.get("PidsLimit")).longValue());
        assertEquals(List.of("/srv:/data:ro"), hostConfig.get("Binds"));
        assertEquals("none", hostConfig.get("NetworkMode"));
        assertEquals(false, hostConfig.get("AutoRemove"));
    }

    @Test
    void interactiveRunSendsStdinAndHalfClosesAtItsEnd() {
        CountDownLatch attachClosed = new CountDownLatch(1);
        answerCreate();
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            byte[] stdin = exchange.readToEnd();
            exchange.out().write(StreamDemultiplexerTest.frame(1, "got: " + new String(stdin, StandardCharsets.UTF_8)));
            exchange.out().flush();
            exchange.close();
            attachClosed.countDown();
        });
        answerWait(attachClosed, 0);
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> exchange.respondEmpty(204));

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.runWithStdin(daemon.address(),
                "line one\nline two\n".getBytes(StandardCharsets.UTF_8), "run", "-i", "--rm", "busybox", "cat"));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("got: line one\nline two\n", result.stdout());
        assertAttachAndWaitBetweenCreateAndStart();
        assertEquals("stream=1&stdout=1&stderr=1&stdin=1", request("/attach").query());
        assertEquals("condition=removed", request("/wait").query());
    }

    @Test
    void ttyOutputIsCopiedRaw() {
        CountDownLatch attachClosed = new CountDownLatch(1);
        answerCreate();
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            exchange.writeRaw("raw tty bytes\r\n");
            exchange.close();
            attachClosed.countDown();
        });
        answerWait(attachClosed, 0);
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> exchange.respondEmpty(204));

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.run(daemon.address(), "run", "-t", "busybox"));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("raw tty bytes\r\n", result.stdout());
    }

    @Test
    void detachedRunPrintsTheFullId() throws IOException {
        answerCreate();
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> exchange.respondEmpty(204));

        CliRun result = CliRun.run(daemon.address(), "run", "-d", "busybox", "sleep", "60");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(ID + "\n", result.stdout());
        assertEquals(List.of("/containers/create", "/containers/" + ID + "/start"), paths());
        Map<String, Object> body = JSON.std.mapFrom(daemon.requests().get(0).bodyText());
        assertEquals(false, body.get("AttachStdout"));
    }

    @Test
    void aMissingImageIsPulledAndAFailedPullIsReportedLikeDocker() {
        daemon.on("POST", "/containers/create",
                exchange -> exchange.respondJson(404, "{\"message\":\"No such image: busybox:latest\"}"));
        daemon.on("POST", "/images/create", exchange -> exchange.respondJson(404,
                "{\"message\":\"pull access denied for busybox, repository does not exist or may require 'docker login'\"}"));

        CliRun result = CliRun.run(daemon.address(), "run", "busybox");

        assertEquals(125, result.exitCode());
        assertEquals("Unable to find image 'busybox:latest' locally\ntally: run: pull access denied for busybox, "
                + "repository does not exist or may require 'docker login'\n", result.stderr());
        assertEquals(List.of("/containers/create", "/images/create"), paths());
    }

    @Test
    void aMissingImageIsPulledThenTheContainerCreated() {
        int[] creates = {0};
        daemon.on("POST", "/containers/create", exchange -> {
            if (creates[0]++ == 0) {
                exchange.respondJson(404, "{\"message\":\"No such image: busybox:latest\"}");
            } else {
                exchange.respondJson(201, "{\"Id\":\"" + ID + "\",\"Warnings\":[]}");
            }
        });
        daemon.on("POST", "/images/create", exchange -> exchange.respondJson(200,
                "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\n{\"status\":\"Digest: sha256:ab\"}"));
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> exchange.respondEmpty(204));

        CliRun result = CliRun.run(daemon.address(), "run", "-d", "busybox");

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("Unable to find image 'busybox:latest' locally\nlatest: Pulling from library/busybox\n"),
                result.stderr());
        assertEquals(List.of("/containers/create", "/images/create", "/containers/create", "/containers/" + ID + "/start"),
                paths());
    }

    @Test
    void startFailureForAMissingExecutableExits127() {
        answerCreate();
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            exchange.readToEnd();
        });
        daemon.on("POST", "/containers/" + ID + "/wait", exchange -> {
            exchange.startChunked(200, "application/json");
            exchange.readToEnd();
        });
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> exchange.respondJson(400,
                "{\"message\":\"exec: \\\"nope\\\": executable file not found in $PATH\"}"));

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.run(daemon.address(), "run", "busybox", "nope"));

        assertEquals(127, result.exitCode());
        assertEquals("tally: run: exec: \"nope\": executable file not found in $PATH\n", result.stderr());
    }

    @Test
    void invalidMemoryIsRejectedBeforeContactingTheDaemon() {
        CliRun result = CliRun.run(daemon.address(), "run", "-m", "lots", "busybox");

        assertEquals(125, result.exitCode());
        assertEquals("tally: run: invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'\n",
                result.stderr());
        assertEquals(List.of(), daemon.requests());
    }

    @Test
    void unknownFlagIsAUsageErrorWith125() {
        CliRun result = CliRun.run(daemon.address(), "run", "--bogus", "busybox");

        assertEquals(125, result.exitCode());
        assertTrue(result.stderr().startsWith("tally: run: Unknown option: '--bogus'"), result.stderr());
    }

    @Test
    void unreachableDaemonExits125ForRun() {
        String address = "unix://" + dir.resolve("absent.sock");

        CliRun result = CliRun.run(address, "run", "busybox");

        assertEquals(125, result.exitCode());
        assertTrue(result.stderr().startsWith("tally: cannot connect to the tally daemon at " + address + ": "),
                result.stderr());
        assertTrue(result.stderr().endsWith(". Is tallyd running?\n"), result.stderr());
    }
}
