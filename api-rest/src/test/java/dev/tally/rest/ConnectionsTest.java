package dev.tally.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.access.LimitRefusals;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real server on loopback (plain TCP identifies nobody, so every connection here is the one
 * "anonymous" user, counted): idle connections are closed, silent requests in flight and hijacked
 * connections are not, and connections beyond a limit get a 429 with a message, then are closed.
 */
class ConnectionsTest {

    private static final Duration IDLE = Duration.ofSeconds(1);

    private Vertx vertx;
    private HttpServer server;
    private final List<Socket> sockets = new ArrayList<>();

    private void listen(ConnectionLimits limits) throws Exception {
        vertx = Vertx.vertx();
        Router r = Router.router(vertx);
        r.get("/quick").handler(ctx -> ctx.response().end("ok"));
        r.get("/silent").handler(ctx -> ctx.response().setChunked(true).writeHead());
        r.post("/hijack").handler(ctx -> Hijack.upgrade(ctx.request(), ctx.response(), "application/vnd.docker.raw-stream")
                .onSuccess(socket -> socket.handler(bytes -> { })));
        LimitRefusals refusals = new LimitRefusals(e -> { }, Runnable::run, Clock.systemUTC(), LimitRefusals.WINDOW);
        server = new Connections(limits, caller -> false, refusals, java.util.Map::of).install(vertx.createHttpServer(Connections.prepared(new io.vertx.core.http.HttpServerOptions())), r)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5000);
        s.setSoTimeout(100);
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String method, String path, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: d\r\n");
        for (String h : headers) {
            req.append(h).append("\r\n");
        }
        s.getOutputStream().write(req.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** What arrives until {@code done} is in it (or the connection ends). */
    private static String readUntil(Socket s, String done) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            byte[] buf = new byte[4096];
            try {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    return true;
                }
                got.write(buf, 0, n);
            } catch (SocketTimeoutException nothingYet) {
                // read again
            }
            return got.toString(StandardCharsets.UTF_8).contains(done);
        });
        return got.toString(StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection (anything else that arrives is read and dropped). */
    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            byte[] buf = new byte[4096];
            return in.read(buf) < 0;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void aConnectionWithNoRequestIsClosedOnceIdle() throws Exception {
        listen(new ConnectionLimits(IDLE, 8, 8));
        Socket s = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(s));
    }

    @Test
    void aConnectionIdleAfterItsAnswerIsClosed() throws Exception {
        listen(new ConnectionLimits(IDLE, 8, 8));
        Socket s = connect();
        send(s, "GET", "/quick");
        assertTrue(readUntil(s, "ok").startsWith("HTTP/1.1 200"));
        await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(s));
    }

    @Test
    void aSilentRequestInFlightIsNeverIdle() throws Exception {
        listen(new ConnectionLimits(IDLE, 8, 8));
        Socket s = connect();
        send(s, "GET", "/silent");
        assertTrue(readUntil(s, "\r\n\r\n").startsWith("HTTP/1.1 200"));
        await().during(IDLE.multipliedBy(3)).atMost(IDLE.multipliedBy(5)).until(() -> !closedByServer(s));
    }

    @Test
    void aHijackedConnectionIsNeverIdle() throws Exception {
        listen(new ConnectionLimits(IDLE, 8, 8));
        Socket s = connect();
        send(s, "POST", "/hijack", "Connection: Upgrade", "Upgrade: tcp");
        assertTrue(readUntil(s, "\r\n\r\n").startsWith("HTTP/1.1 101"));
        await().during(IDLE.multipliedBy(3)).atMost(IDLE.multipliedBy(5)).until(() -> !closedByServer(s));
    }

    @Test
    void aConnectionBeyondTheUsersLimitIsAnswered429ThenClosedAndItsPlaceComesBack() throws Exception {
        listen(new ConnectionLimits(Duration.ZERO, 2, 100));
        Socket first = connect();
        Socket second = connect();
        // each counted once answered: a connection is counted on its own event loop before its first request is
        // read, and an answer to the first alone did not say that the second's had come yet
        for (Socket s : List.of(first, second)) {
            send(s, "GET", "/quick");
            readUntil(s, "ok");
        }
        Socket third = connect();
        send(third, "GET", "/quick");
        String answer = readUntil(third, "}");
        assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        assertTrue(answer.contains("\"message\":\"too many connections of anonymous clients at once: 2 open"), answer);
        await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(third));
        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Socket again = connect();
            send(again, "GET", "/quick");
            return readUntil(again, "ok").startsWith("HTTP/1.1 200");
        });
    }

    @Test
    void aConnectionBeyondAllUsersLimitIsAnswered429() throws Exception {
        listen(new ConnectionLimits(Duration.ZERO, 10, 1));
        Socket first = connect();
        send(first, "GET", "/quick");
        readUntil(first, "ok");
        Socket second = connect();
        send(second, "GET", "/quick");
        String answer = readUntil(second, "}");
        assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        assertTrue(answer.contains("the daemon's limit for all users together"), answer);
    }

    @Test
    void aRefusedConnectionThatSendsNothingIsClosedSoon() throws Exception {
        listen(new ConnectionLimits(Duration.ZERO, 1, 100));
        Socket first = connect();
        send(first, "GET", "/quick");
        readUntil(first, "ok");
        Socket refused = connect();
        await().atMost(Duration.ofSeconds(Connections.REFUSED_GRACE_SECONDS + 5)).until(() -> closedByServer(refused));
        assertEquals(false, closedByServer(first), "the counted connection was closed too");
    }
}
