package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeDaemonExtension.class)
class AttachCmdTest {

    private static final String ID = "abcdef0123456789".repeat(4);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    private void answerInspect(boolean running) {
        daemon.on("GET", "/containers/web/json", exchange -> exchange.respondJson(200, "{\"Id\":\"" + ID
                + "\",\"State\":{\"Running\":" + running + "},\"Config\":{\"Tty\":false,\"OpenStdin\":true}}"));
    }

    private List<String> paths() {
        return daemon.requests().stream().map(FakeDaemon.Request::path).toList();
    }

    @Test
    void aStoppedContainerIsRefused() {
        answerInspect(false);

        CliRun result = CliRun.run(daemon.address(), "attach", "web");

        assertEquals(1, result.exitCode());
        assertEquals("tally: attach: You cannot attach to a stopped container, start it first\n", result.stderr());
        assertEquals(List.of("/containers/web/json"), paths());
    }

    @Test
    void streamsUntilTheEndThenWaitsForTheExitStatus() {
        answerInspect(true);
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            byte[] stdin = exchange.readToEnd();
            exchange.out().write(StreamDemultiplexerTest.frame(1, "echo: " + new String(stdin, StandardCharsets.UTF_8)));
            exchange.out().write(StreamDemultiplexerTest.frame(2, "warn\n"));
            exchange.out().flush();
            exchange.close();
        });
        daemon.on("POST", "/containers/" + ID + "/wait",
                exchange -> exchange.respondJson(200, "{\"StatusCode\":4,\"Error\":null}"));

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.runWithStdin(daemon.address(),
                "hi\n".getBytes(StandardCharsets.UTF_8), "attach", "web"));

        assertEquals(4, result.exitCode(), result.stderr());
        assertEquals("echo: hi\n", result.stdout());
        assertEquals("warn\n", result.stderr());
        assertEquals(List.of("/containers/web/json", "/containers/" + ID + "/attach", "/containers/" + ID + "/wait"),
                paths());
        assertEquals("stream=1&stdout=1&stderr=1&stdin=1", daemon.requests().get(1).query());
        assertEquals("", daemon.requests().get(2).query());
    }

    @Test
    void noStdinLeavesStdinOut() {
        answerInspect(true);
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            exchange.close();
        });
        daemon.on("POST", "/containers/" + ID + "/wait", exchange -> exchange.respondJson(200, "{\"StatusCode\":0}"));

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.run(daemon.address(),
                "attach", "--no-stdin", "web"));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("stream=1&stdout=1&stderr=1", daemon.requests().get(1).query());
    }
}
