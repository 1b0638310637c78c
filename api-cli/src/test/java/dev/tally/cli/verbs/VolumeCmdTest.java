package dev.tally.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeDaemonExtension.class)
class VolumeCmdTest {

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    @Test
    void createSendsNameAndLabelsAndPrintsTheName() throws IOException {
        daemon.on("POST", "/volumes/create", exchange -> exchange.respondJson(201,
                "{\"Name\":\"" + (exchange.request().bodyText().contains("\"data\"") ? "data" : "generated")
                        + "\",\"Driver\":\"local\"}"));

        CliRun named = CliRun.run(daemon.address(), "volume", "create", "data", "-l", "a=b", "-l", "c");
        CliRun anonymous = CliRun.run(daemon.address(), "volume", "create");

        assertEquals(0, named.exitCode(), named.stderr());
        assertEquals("data\n", named.stdout());
        assertEquals(Map.of("Name", "data", "Labels", Map.of("a", "b", "c", "")),
                JSON.std.mapFrom(daemon.requests().get(0).bodyText()));
        assertEquals(0, anonymous.exitCode(), anonymous.stderr());
        assertEquals("generated\n", anonymous.stdout());
        assertEquals(Map.of("Name", "", "Labels", Map.of()), JSON.std.mapFrom(daemon.requests().get(1).bodyText()));
    }

    @Test
    void lsPrintsTheTableOrOnlyNames() {
        daemon.on("GET", "/volumes", exchange -> exchange.respondJson(200, "{\"Volumes\":["
                + "{\"Name\":\"data\",\"Driver\":\"local\"},{\"Name\":\"a-much-longer-name\",\"Driver\":\"local\"}],"
                + "\"Warnings\":null}"));

        CliRun table = CliRun.run(daemon.address(), "volume", "ls");
        CliRun quiet = CliRun.run(daemon.address(), "volume", "ls", "-q");

        assertEquals(0, table.exitCode(), table.stderr());
        assertEquals("DRIVER    VOLUME NAME\nlocal     data\nlocal     a-much-longer-name\n", table.stdout());
        assertEquals("data\na-much-longer-name\n", quiet.stdout());
    }

    @Test
    void rmPrintsEachRemovedNameAndReportsFailuresPerName() {
        daemon.on("DELETE", "/volumes/data", exchange -> exchange.respondEmpty(204));
        daemon.on("DELETE", "/volumes/busy", exchange -> exchange.respondJson(409,
                "{\"message\":\"remove busy: volume is in use\"}"));
        daemon.on("DELETE", "/volumes/logs", exchange -> exchange.respondEmpty(204));

        CliRun result = CliRun.run(daemon.address(), "volume", "rm", "data", "busy", "logs");

        assertEquals(1, result.exitCode());
        assertEquals("data\nlogs\n", result.stdout());
        assertEquals("tally: volume rm: remove busy: volume is in use\n", result.stderr());
        assertEquals(3, daemon.requests().size());
    }

    @Test
    void inspectPrintsAnIndentedArray() {
        daemon.on("GET", "/volumes/data", exchange -> exchange.respondJson(200,
                "{\"Name\":\"data\",\"Driver\":\"local\"}"));

        CliRun result = CliRun.run(daemon.address(), "volume", "inspect", "data", "ghost");

        assertEquals(1, result.exitCode());
        assertEquals("[\n    {\n        \"Name\": \"data\",\n        \"Driver\": \"local\"\n    }\n]\n", result.stdout());
        assertEquals("tally: volume inspect: no route for GET /volumes/ghost\n", result.stderr());
    }

    @Test
    void usageErrorsOfASubVerbNameIt() {
        CliRun result = CliRun.run(daemon.address(), "volume", "rm");

        assertEquals(1, result.exitCode());
        assertEquals("See 'tally volume rm --help'.", result.stderr().lines().toList().get(1));
    }
}
