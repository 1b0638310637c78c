package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeDaemonExtension.class)
class ExecCmdTest {

    private static final String EXEC = "e1e2e3e4";
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    @BeforeEach
    void answerCommonRoutes() throws IOException {
        daemon.on("POST", "/containers/web/exec", exchange -> exchange.respondJson(201, "{\"Id\":\"" + EXEC + "\"}"));
    }

    private List<String> paths() {
        return daemon.requests().stream().map(FakeDaemon.Request::path).toList();
    }

    private Map<String, Object> body(int request) throws IOException {
        return JSON.std.mapFrom(daemon.requests().get(request).bodyText());
    }

    private void answerInspect(String exitCode) {
        daemon.on("GET", "/exec/" + EXEC + "/json",
                exchange -> exchange.respondJson(200, "{\"ID\":\"" + EXEC + "\",\"ExitCode\":" + exitCode + "}"));
    }

    @Test
    void attachedExecStreamsOutputAndExitsWithTheExitCodeOfTheExecInspect() throws IOException {
        daemon.on("POST", "/exec/" + EXEC + "/start", exchange -> {
            exchange.switchProtocols();
            exchange.out().write(StreamDemultiplexerTest.frame(1, "out\n"));
            exchange.out().write(StreamDemultiplexerTest.frame(2, "err\n"));
            exchange.out().flush();
            exchange.close();
        });
        answerInspect("7");

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.run(daemon.address(),
                "exec", "-e", "A=1", "-w", "/tmp", "-u", "nobody", "web", "ls", "-l", "-e"));

        assertEquals(7, result.exitCode(), result.stderr());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertEquals(List.of("/containers/web/exec", "/exec/" + EXEC + "/start", "/exec/" + EXEC + "/json"), paths());
        Map<String, Object> create = body(0);
        assertEquals(List.of("ls", "-l", "-e"), create.get("Cmd"));
        assertEquals(List.of("A=1"), create.get("Env"));
        assertEquals("/tmp", create.get("WorkingDir"));
        assertEquals("nobody", create.get("User"));
        assertEquals(false, create.get("AttachStdin"));
        assertEquals(true, create.get("AttachStdout"));
        assertEquals(true, create.get("AttachStderr"));
        assertEquals(false, create.get("Tty"));
        assertEquals(false, create.get("Detach"));
        assertEquals(Map.of("Detach", false, "Tty", false), body(1));
        assertEquals("tcp", daemon.requests().get(1).header("Upgrade"));
    }

    @Test
    void detachedExecStartsWithoutUpgradeAndPrintsNothing() throws IOException {
        daemon.on("POST", "/exec/" + EXEC + "/start", exchange -> exchange.respondEmpty(200));

        CliRun result = CliRun.run(daemon.address(), "exec", "-d", "web", "sleep", "5");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stdout());
        assertEquals(List.of("/containers/web/exec", "/exec/" + EXEC + "/start"), paths());
        assertNull(daemon.requests().get(1).header("Upgrade"));
        assertEquals(Map.of("Detach", true, "Tty", false), body(1));
        assertEquals(true, body(0).get("Detach"));
    }

    @Test
    void interactiveExecSendsStdinAndHalfClosesAtItsEnd() throws IOException {
        daemon.on("POST", "/exec/" + EXEC + "/start", exchange -> {
            exchange.switchProtocols();
            byte[] stdin = exchange.readToEnd();
            exchange.out().write(StreamDemultiplexerTest.frame(1, "got: " + new String(stdin, StandardCharsets.UTF_8)));
            exchange.out().flush();
            exchange.close();
        });
        answerInspect("0");

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.runWithStdin(daemon.address(),
                "a\nb\n".getBytes(StandardCharsets.UTF_8), "exec", "-i", "web", "cat"));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("got: a\nb\n", result.stdout());
        assertEquals(true, body(0).get("AttachStdin"));
    }

    @Test
    void aMissingExitCodeExits1() {
        daemon.on("POST", "/exec/" + EXEC + "/start", exchange -> {
            exchange.switchProtocols();
            exchange.close();
        });
        answerInspect("null");

        CliRun result = assertTimeoutPreemptively(LIMIT, () -> CliRun.run(daemon.address(), "exec", "web", "true"));

        assertEquals(1, result.exitCode());
    }

    @Test
    void daemonErrorsExit1ExceptAMissingExecutable() {
        daemon.on("POST", "/containers/stopped/exec",
                exchange -> exchange.respondJson(409, "{\"message\":\"container stopped is not running\"}"));
        daemon.on("POST", "/exec/" + EXEC + "/start", exchange -> exchange.respondJson(400,
                "{\"message\":\"exec: \\\"nope\\\": executable file not found in $PATH\"}"));

        CliRun stopped = CliRun.run(daemon.address(), "exec", "stopped", "ls");
        CliRun missing = CliRun.run(daemon.address(), "exec", "web", "nope");

        assertEquals(1, stopped.exitCode());
        assertEquals("tally: exec: container stopped is not running\n", stopped.stderr());
        assertEquals(127, missing.exitCode());
        assertEquals("tally: exec: exec: \"nope\": executable file not found in $PATH\n", missing.stderr());
    }
}
