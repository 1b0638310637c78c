package dev.tally.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliRun;
import dev.tally.cli.format.ContainerListingTest;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import dev.tally.cli.run.StreamDemultiplexerTest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FakeDaemonExtension.class)
class ContainerVerbsTest {

    private static final String ID = "fedcba9876543210".repeat(4);

    @TempDir
    Path dir;

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    private String target(int index) {
        return URLDecoder.decode(daemon.requests().get(index).target(), StandardCharsets.UTF_8);
    }

    @Test
    void exportWritesTheContainersTarToAFileOrToStdoutButNeverToATerminal() throws IOException {
        daemon.on("GET", "/containers/web/export", exchange -> exchange.respond(200, "application/x-tar",
                "the tar of web"));
        Path file = dir.resolve("web.tar");

        CliRun toFile = CliRun.run(daemon.address(), "export", "-o", file.toString(), "web");
        CliRun toStdout = CliRun.run(daemon.address(), "export", "web");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        dev.tally.cli.StdStreams terminal = new dev.tally.cli.StdStreams(new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), true);
        int refused = dev.tally.cli.TallyCli.execute(new String[] {"export", "web"},
                java.util.Map.of("TALLY_HOST", daemon.address()), terminal, java.time.Clock.systemUTC());

        assertEquals(0, toFile.exitCode(), toFile.stderr());
        assertEquals("the tar of web", Files.readString(file));
        assertEquals(List.of("web.tar"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "no partial file left");
        assertEquals(0, toStdout.exitCode(), toStdout.stderr());
        assertEquals("the tar of web", toStdout.stdout());
        assertEquals(1, refused);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cowardly refusing to export to a terminal"), err.toString());
        assertEquals(2, daemon.requests().size(), "nothing asked when refused");
    }

    @Test
    void psSendsAllAndFiltersAndPrintsTheTable() throws IOException {
        String containers = JSON.std.asString(ContainerListingTest.sampleContainers());
        daemon.on("GET", "/containers/json", exchange -> exchange.respondJson(200, containers));

        CliRun result = CliRun.run(daemon.address(), "ps", "-a", "--filter", "status=exited");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("/v1.50/containers/json?all=1&filters={\"status\":{\"exited\":true}}", target(0));
        List<String> lines = result.stdout().lines().toList();
        assertEquals(3, lines.size());
        assertEquals("CONTAINER ID   IMAGE         COMMAND                  CREATED         STATUS"
                + "                         PORTS     NAMES", lines.get(0));
        assertEquals("9e8d7c6b5a41", lines.get(2).substring(0, 12));
    }

    @Test
    void psAtATimeCountsCreatedFromThatTimeNotFromNow() {
        long created = java.time.Instant.parse("2026-11-23T16:30:58Z").getEpochSecond();
        daemon.on("GET", "/containers/json", exchange -> exchange.respondJson(200, "[{\"Id\":\"4cef91f94962aa\","
                + "\"Names\":[\"/web\"],\"Image\":\"busybox\",\"Command\":\"sleep 600\",\"Created\":" + created
                + ",\"State\":\"running\",\"Status\":\"Up 1 second\"}]"));

        CliRun result = CliRun.run(daemon.address(), "ps", "-a", "--at", "2026-11-23T16:31:00Z");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("/v1.50/containers/json?all=1&at=" + (created + 2) + ".000000000", target(0));
        assertTrue(result.stdout().lines().toList().get(1).contains("2 seconds ago"), result.stdout());
    }

    @Test
    void stopRmAndKillPrintNamesAndContinuePastErrors() {
        daemon.on("POST", "/containers/web/stop", exchange -> exchange.respondEmpty(304));
        daemon.on("POST", "/containers/db/stop", exchange -> exchange.respondEmpty(204));
        daemon.on("DELETE", "/containers/web", exchange -> exchange.respondEmpty(204));
        daemon.on("POST", "/containers/web/kill", exchange -> exchange.respondEmpty(204));

        CliRun stop = CliRun.run(daemon.address(), "stop", "-t", "3", "-s", "SIGTERM", "web", "ghost", "db");
        assertEquals(1, stop.exitCode());
        assertEquals("web\ndb\n", stop.stdout());
        assertEquals("tally: stop: no route for POST /containers/ghost/stop\n", stop.stderr());
        assertEquals("/v1.50/containers/web/stop?t=3&signal=SIGTERM", target(0));

        CliRun rm = CliRun.run(daemon.address(), "rm", "-f", "-v", "web");
        assertEquals(0, rm.exitCode(), rm.stderr());
        assertEquals("web\n", rm.stdout());
        assertEquals("DELETE", daemon.requests().get(3).method());
        assertEquals("/v1.50/containers/web?force=1&v=1", target(3));

        CliRun kill = CliRun.run(daemon.address(), "kill", "-s", "HUP", "web");
        assertEquals(0, kill.exitCode(), kill.stderr());
        assertEquals("/v1.50/containers/web/kill?signal=HUP", target(4));
    }

    @Test
    void waitPrintsEachExitCode() {
        daemon.on("POST", "/containers/web/wait", exchange -> exchange.respondJson(200, "{\"StatusCode\":42}"));

        CliRun result = CliRun.run(daemon.address(), "wait", "web");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("42\n", result.stdout());
    }

    @Test
    void logsFollowsAndDemultiplexes() {
        daemon.on("GET", "/containers/web/json",
                exchange -> exchange.respondJson(200, "{\"Id\":\"" + ID + "\",\"Config\":{\"Tty\":false}}"));
        daemon.on("GET", "/containers/" + ID + "/logs", exchange -> {
            exchange.startChunked(200, "application/vnd.docker.multiplexed-stream");
            exchange.chunk(StreamDemultiplexerTest.frame(1, "out line\n"));
            exchange.chunk(StreamDemultiplexerTest.frame(2, "err line\n"));
            exchange.endChunks();
        });

        CliRun result = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CliRun.run(daemon.address(), "logs", "-f", "--tail", "5", "--since", "10m", "-t", "web"));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("out line\n", result.stdout());
        assertEquals("err line\n", result.stderr());
        long since = CliRun.NOW.getEpochSecond() - 600;
        assertEquals("/v1.50/containers/" + ID + "/logs?stdout=1&stderr=1&tail=5&follow=1&timestamps=1&since=" + since,
                target(1));
    }

    @Test
    void inspectFallsBackToImagesAndReportsMissingObjects() {
        daemon.on("GET", "/images/busybox/json", exchange -> exchange.respondJson(200, "{\"Id\":\"sha256:ab\"}"));

        CliRun found = CliRun.run(daemon.address(), "inspect", "busybox");
        assertEquals(0, found.exitCode(), found.stderr());
        assertEquals("[\n    {\n        \"Id\": \"sha256:ab\"\n    }\n]\n", found.stdout());

        CliRun missing = CliRun.run(daemon.address(), "inspect", "ghost");
        assertEquals(1, missing.exitCode());
        assertEquals("[]\n", missing.stdout());
        assertEquals("Error: No such object: ghost\n", missing.stderr());
    }

    @Test
    void importStreamsStdinAndPrintsTheImageId() {
        daemon.on("POST", "/images/create", exchange -> {
            exchange.startChunked(200, "application/json");
            exchange.chunk("{\"status\":\"Importing\"}\n");
            exchange.chunk("{\"status\":\"sha256:1234\"}\n");
            exchange.endChunks();
        });

        CliRun result = CliRun.runWithStdin(daemon.address(), "tar bytes".getBytes(StandardCharsets.UTF_8),
                "import", "-", "myimage:v1");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("sha256:1234\n", result.stdout());
        FakeDaemon.Request request = daemon.requests().get(0);
        assertEquals("/v1.50/images/create?fromSrc=-&repo=myimage&tag=v1", request.target());
        assertEquals("chunked", request.header("Transfer-Encoding"));
        assertEquals("application/x-tar", request.header("Content-Type"));
        assertEquals("tar bytes", request.bodyText());
    }

    @Test
    void importOfAFileSendsContentLengthAndReportsStreamErrors() throws IOException {
        Path tar = Files.write(dir.resolve("rootfs.tar"), new byte[4096]);
        daemon.on("POST", "/images/create", exchange -> exchange.respondJson(200,
                "{\"errorDetail\":{\"message\":\"not a tar archive\"},\"error\":\"not a tar archive\"}\n"));

        CliRun result = CliRun.run(daemon.address(), "import", tar.toString(), "broken");

        assertEquals(1, result.exitCode());
        assertEquals("tally: import: not a tar archive\n", result.stderr());
        assertEquals("4096", daemon.requests().get(0).header("Content-Length"));
    }

    @Test
    void eventsArePrintedOnePerLine() {
        daemon.on("GET", "/events", exchange -> {
            exchange.startChunked(200, "application/json");
            exchange.chunk("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abc\","
                    + "\"Attributes\":{\"name\":\"web\",\"image\":\"busybox\"}},\"time\":1795435200,"
                    + "\"timeNano\":1795435200000000000}\n");
            exchange.endChunks();
        });

        CliRun result = CliRun.run(daemon.address(), "events", "--since", "1h", "--until", "0s");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("2026-11-23T12:00:00.000000000Z container start abc (image=busybox, name=web)\n", result.stdout());
        long now = CliRun.NOW.getEpochSecond();
        assertEquals("/v1.50/events?since=" + (now - 3600) + "&until=" + now, target(0));
    }

    @Test
    void imagesTableAndQuietIds() {
        daemon.on("GET", "/images/json", exchange -> exchange.respondJson(200,
                "[{\"Id\":\"sha256:7d3e9c1b4f2a8e6d\",\"RepoTags\":[\"busybox:latest\"],"
                        + "\"Created\":" + (CliRun.NOW.getEpochSecond() - 3 * 86400) + ",\"Size\":2100000}]"));

        CliRun table = CliRun.run(daemon.address(), "images");
        assertEquals(0, table.exitCode(), table.stderr());
        assertEquals("REPOSITORY   TAG       IMAGE ID       CREATED      SIZE\n"
                + "busybox      latest    7d3e9c1b4f2a   3 days ago   2.1MB\n", table.stdout());

        CliRun quiet = CliRun.run(daemon.address(), "images", "-q");
        assertEquals("7d3e9c1b4f2a\n", quiet.stdout());
    }

    @Test
    void daemonErrorsPrintOneLineAndExit1() {
        daemon.on("GET", "/version", exchange -> exchange.respondJson(500, "{\"message\":\"engine stalled\"}"));

        CliRun result = CliRun.run(daemon.address(), "version");

        assertEquals(1, result.exitCode());
        assertEquals("tally: version: engine stalled\n", result.stderr());
    }

    @Test
    void startPrintsNamesAndStartAttachUsesTheContainersSettings() {
        CountDownLatch attachClosed = new CountDownLatch(1);
        daemon.on("POST", "/containers/web/start", exchange -> exchange.respondEmpty(304));
        daemon.on("GET", "/containers/tty1/json", exchange -> exchange.respondJson(200, "{\"Id\":\"" + ID
                + "\",\"Config\":{\"Tty\":true,\"OpenStdin\":false},\"HostConfig\":{\"AutoRemove\":true}}"));
        daemon.on("POST", "/containers/" + ID + "/attach", exchange -> {
            exchange.switchProtocols();
            exchange.writeRaw("tty output\r\n");
            exchange.close();
            attachClosed.countDown();
        });
        daemon.on("POST", "/containers/" + ID + "/wait", exchange -> {
            exchange.startChunked(200, "application/json");
            attachClosed.await(10, TimeUnit.SECONDS);
            exchange.chunk("{\"StatusCode\":5}");
            exchange.endChunks();
        });
        daemon.on("POST", "/containers/" + ID + "/start", exchange -> exchange.respondEmpty(204));

        CliRun plain = CliRun.run(daemon.address(), "start", "web");
        assertEquals(0, plain.exitCode(), plain.stderr());
        assertEquals("web\n", plain.stdout());

        CliRun attached = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CliRun.run(daemon.address(), "start", "-a", "tty1"));
        assertEquals(5, attached.exitCode(), attached.stderr());
        assertEquals("tty output\r\n", attached.stdout());
        // attach and wait go out together, so they may reach the daemon in either order
        assertEquals(java.util.Set.of("/v1.50/containers/" + ID + "/attach?stream=1&stdout=1&stderr=1",
                "/v1.50/containers/" + ID + "/wait?condition=removed"), java.util.Set.of(target(2), target(3)));
    }

    @Test
    void versionShowsClientAndServer() {
        daemon.on("GET", "/version", exchange -> exchange.respondJson(200,
                "{\"Version\":\"0.1.0\",\"ApiVersion\":\"1.50\",\"MinAPIVersion\":\"1.24\","
                        + "\"Os\":\"linux\",\"Arch\":\"amd64\"}"));

        CliRun result = CliRun.run(daemon.address(), "version");

        assertEquals(0, result.exitCode(), result.stderr());
        String expectedServer = String.join("\n",
                "Server:",
                " Engine:",
                "  Version:          0.1.0",
                "  API version:      1.50 (minimum version 1.24)",
                "  OS/Arch:          linux/amd64",
                "");
        assertTrue(result.stdout().startsWith("Client:\n Version:           0.1.0\n API version:       1.50\n"),
                result.stdout());
        assertTrue(result.stdout().endsWith(expectedServer), result.stdout());
    }

    @Test
    void infoShowsTheFieldsTheDaemonReports() {
        daemon.on("GET", "/info", exchange -> exchange.respondJson(200,
                "{\"Containers\":3,\"ContainersRunning\":1,\"ContainersPaused\":0,\"ContainersStopped\":2,"
                        + "\"Images\":4,\"ServerVersion\":\"0.1.0\",\"DockerRootDir\":\"/var/lib/tally\"}"));

        CliRun result = CliRun.run(daemon.address(), "info");

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().endsWith(String.join("\n",
                "Server:",
                " Containers: 3",
                "  Running: 1",
                "  Paused: 0",
                "  Stopped: 2",
                " Images: 4",
                " Server Version: 0.1.0",
                " Docker Root Dir: /var/lib/tally",
                "")), result.stdout());
    }
}
