package dev.tally.cli.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FakeDaemonExtension.class)
class HttpClientTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;
    private HttpClient client;

    @BeforeEach
    void makeClient() {
        client = new HttpClient(daemon.daemonAddress());
    }

    @Test
    void contentLengthBodyEndsAtItsLengthWhileTheConnectionStaysOpen() {
        CountDownLatch clientDone = new CountDownLatch(1);
        daemon.on("GET", "/version", exchange -> {
            exchange.respond(200, "text/plain", "hello");
            clientDone.await(10, SECONDS);
        });

        String body = assertTimeoutPreemptively(LIMIT, () -> {
            try (HttpResponse response = client.exchange(HttpRequest.get("/v1.50/version"))) {
                assertEquals(200, response.status());
                assertEquals("text/plain", response.header("content-type"));
                return response.bodyText();
            }
        });
        clientDone.countDown();

        assertEquals("hello", body);
        FakeDaemon.Request request = daemon.requests().get(0);
        assertEquals("GET", request.method());
        assertEquals("/v1.50/version", request.target());
        assertEquals("tally", request.header("Host"));
        assertEquals("tally-cli", request.header("User-Agent"));
        assertNull(request.header("Content-Length"));
    }

    @Test
    void postSendsItsBodyWithContentLengthAndType() throws IOException {
        daemon.on("POST", "/containers/create", exchange -> exchange.respondJson(201, "{\"Id\":\"abc\"}"));

        String json = "{\"Image\":\"busybox\"}";
        try (HttpResponse response = client.exchange(
                HttpRequest.post("/v1.50/containers/create?name=web").withBody(RequestBody.json(json)))) {
            assertEquals(201, response.status());
            assertEquals("{\"Id\":\"abc\"}", response.bodyText());
        }

        FakeDaemon.Request request = daemon.requests().get(0);
        assertEquals("name=web", request.query());
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals(Integer.toString(json.length()), request.header("Content-Length"));
        assertEquals(json, request.bodyText());
    }

    @Test
    void bodylessPostSendsZeroContentLength() throws IOException {
        daemon.on("POST", "/containers/web/start", exchange -> exchange.respondEmpty(204));

        try (HttpResponse response = client.exchange(HttpRequest.post("/v1.50/containers/web/start"))) {
            assertEquals(204, response.status());
            assertEquals(-1, response.body().read());
        }

        assertEquals("0", daemon.requests().get(0).header("Content-Length"));
    }

    @Test
    void chunkedBodyIsDeliveredChunkByChunkAsItArrives() {
        CountDownLatch firstChunkRead = new CountDownLatch(1);
        daemon.on("GET", "/events", exchange -> {
            exchange.startChunked(200, "application/json");
            exchange.chunk("first\n");
            if (!firstChunkRead.await(10, SECONDS)) {
                throw new AssertionError("the client never read the first chunk on its own");
            }
            exchange.chunk("second\n");
            exchange.endChunks();
        });

        assertTimeoutPreemptively(LIMIT, () -> {
            try (HttpResponse response = client.exchange(HttpRequest.get("/v1.50/events"))) {
                InputStream body = response.body();
                assertEquals("first\n", new String(body.readNBytes(6), StandardCharsets.UTF_8));
                firstChunkRead.countDown();
                assertEquals("second\n", new String(body.readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(-1, body.read());
            }
        });
    }

    @Test
    void errorStatusSurfacesTheDaemonsMessage() throws IOException {
        daemon.on("GET", "/containers/nope/json",
                exchange -> exchange.respondJson(404, "{\"message\":\"No such container: nope\"}"));

        HttpResponse response = client.exchange(HttpRequest.get("/v1.50/containers/nope/json"));
        DaemonErrorException error = assertThrows(DaemonErrorException.class, response::expectSuccess);

        assertEquals(404, error.status());
        assertEquals("No such container: nope", error.getMessage());
    }

    @Test
    void errorWithoutJsonUsesTheRawBody() throws IOException {
        daemon.on("GET", "/info", exchange -> exchange.respond(500, "text/plain", "disk on fire\n"));

        HttpResponse response = client.exchange(HttpRequest.get("/v1.50/info"));
        DaemonErrorException error = assertThrows(DaemonErrorException.class, response::expectSuccess);

        assertEquals("disk on fire", error.getMessage());
    }

    @Test
    void hijackGivesRawBytesBothWaysAndHalfCloses() {
        daemon.on("POST", "/containers/web/attach", exchange -> {
            exchange.writeRaw("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\ngreeting");
            byte[] received = exchange.readToEnd();
            exchange.out().write(new String(received, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
            exchange.out().flush();
        });

        String answer = assertTimeoutPreemptively(LIMIT, () -> {
            try (HijackedConnection connection = client.hijack(HttpRequest.post("/v1.50/containers/web/attach?stream=1"))) {
                assertEquals("greeting", new String(connection.input().readNBytes(8), StandardCharsets.UTF_8));
                connection.output().write("ping".getBytes(StandardCharsets.UTF_8));
                connection.closeWrite();
                return new String(connection.input().readAllBytes(), StandardCharsets.UTF_8);
            }
        });

        assertEquals("PING", answer);
        FakeDaemon.Request request = daemon.requests().get(0);
        assertEquals("Upgrade", request.header("Connection"));
        assertEquals("tcp", request.header("Upgrade"));
    }

    @Test
    void hijackRefusedWithAnErrorSurfacesTheMessage() {
        daemon.on("POST", "/containers/gone/attach",
                exchange -> exchange.respondJson(404, "{\"message\":\"No such container: gone\"}"));

        DaemonErrorException error = assertThrows(DaemonErrorException.class,
                () -> client.hijack(HttpRequest.post("/v1.50/containers/gone/attach")));

        assertEquals("No such container: gone", error.getMessage());
    }

    @Test
    void hijackAnsweredWithoutSwitchingProtocolsFails() {
        daemon.on("POST", "/containers/web/attach", exchange -> exchange.respondJson(200, "{}"));

        IOException error = assertThrows(IOException.class,
                () -> client.hijack(HttpRequest.post("/v1.50/containers/web/attach")));

        assertTrue(error.getMessage().contains("did not switch protocols"), error.getMessage());
    }

    @Test
    void streamOfUnknownLengthIsSentChunked() throws IOException {
        daemon.on("POST", "/images/create", exchange -> exchange.respondJson(200, "{\"status\":\"done\"}"));
        byte[] tar = new byte[300_000];
        new Random(7).nextBytes(tar);

        try (HttpResponse response = client.exchange(HttpRequest.post("/v1.50/images/create?fromSrc=-")
                .withBody(RequestBody.ofStream(new ByteArrayInputStream(tar), "application/x-tar")))) {
            assertEquals(200, response.status());
            assertEquals("{\"status\":\"done\"}", response.bodyText());
        }

        FakeDaemon.Request request = daemon.requests().get(0);
        assertEquals("chunked", request.header("Transfer-Encoding"));
        assertNull(request.header("Content-Length"));
        assertEquals("application/x-tar", request.header("Content-Type"));
        assertArrayEquals(tar, request.body());
    }

    @Test
    void missingSocketIsReportedAsUnreachableDaemon() {
        String address = "unix://" + dir.resolve("absent.sock");
        HttpClient absent = new HttpClient(DaemonAddress.parse(address));

        DaemonUnreachableException error = assertThrows(DaemonUnreachableException.class,
                () -> absent.exchange(HttpRequest.get("/v1.50/version")));

        assertTrue(error.getMessage().startsWith("cannot connect to the tally daemon at " + address + ": "),
                error.getMessage());
        assertTrue(error.getMessage().endsWith(". Is tallyd running?"), error.getMessage());
    }

    @Test
    void addressesOtherThanUnixOrTcpAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DaemonAddress.parse("http://localhost:2375"));
        assertThrows(IllegalArgumentException.class, () -> DaemonAddress.parse("tcp://host:notaport"));
        assertEquals("tcp://127.0.0.1:2375", DaemonAddress.parse("tcp://127.0.0.1:2375").toString());
    }
}
