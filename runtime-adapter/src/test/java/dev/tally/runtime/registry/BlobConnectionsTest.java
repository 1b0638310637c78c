package dev.tally.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking HTTP/1.1 blob reader against a server whose every byte the test writes. */
@Timeout(30)
class BlobConnectionsTest {

    /**
     * Each connection accepted takes its answers from here, one per request read: "CLOSE" closes it
     * instead, "SILENT" answers nothing, "CUT:..." writes the rest and closes.
     */
    private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private ServerSocket server;
    private final BlobConnections connections = new BlobConnections(Duration.ofSeconds(1), Duration.ofSeconds(5));

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    Thread c = new Thread(() -> serve(s), "blob-test-connection");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "blob-test-server");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                requests.add(head);
                String answer = answers.take();
                if (answer.equals("CLOSE")) {
                    return;
                }
                if (answer.startsWith("CUT:")) {
                    out.write(answer.substring(4).getBytes(StandardCharsets.ISO_8859_1));
                    return; // and closes
                }
                if (answer.equals("SILENT")) {
                    in.read(); // until the client gives up and closes
                    return;
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException | InterruptedException ended) {
            // the client closed it
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return null;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    private byte[] get(String path, Map<String, String> headers) throws IOException {
        try (BlobConnections.Response r = connections.get(uri(path), headers, null)) {
            return r.body().readAllBytes();
        }
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void bodiesReadToTheirEndLeaveTheConnectionForTheNextGet() throws IOException {
        answers.add(ok("first"));
        answers.add(ok("second"));
        assertArrayEquals("first".getBytes(), get("/v2/app/blobs/a", Map.of("Range", "bytes=3-")));
        assertArrayEquals("second".getBytes(), get("/v2/app/blobs/b", Map.of()));
        assertEquals(1, accepted.get(), "one connection for both");
        assertTrue(requests.get(0).startsWith("GET /v2/app/blobs/a HTTP/1.1\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\r\nRange: bytes=3-\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), requests.get(0));
    }

    @Test
    void aChunkedBodyIsReadWholeAndItsConnectionReused() throws IOException {
        answers.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\nT: 1\r\n\r\n");
        answers.add(ok("again"));
        assertEquals("hello, world", new String(get("/a", Map.of())));
        assertEquals("again", new String(get("/b", Map.of())));
        assertEquals(1, accepted.get());
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedWithoutAnError() throws IOException {
        answers.add(ok("first"));
        answers.add("CLOSE");
        answers.add(ok("second"));
        get("/a", Map.of());
        assertEquals("second", new String(get("/b", Map.of())));
        assertEquals(2, accepted.get());
    }

    @Test
    void aBodyClosedBeforeItsEndClosesItsConnection() throws IOException {
        answers.add(ok("0123456789"));
        answers.add(ok("next"));
        try (BlobConnections.Response r = connections.get(uri("/a"), Map.of(), null)) {
            assertEquals(200, r.status());
            assertEquals(3, r.body().readNBytes(3).length);
        }
        assertEquals(0, connections.idleCount(), "the rest of its body is not read for it");
        assertEquals("next", new String(get("/b", Map.of())));
        assertEquals(2, accepted.get());
    }

    @Test
    void aRegistrySilentForTheIdleTimeFailsTheReadSayingSo() {
        answers.add("SILENT");
        HttpTimeoutException e = assertThrows(HttpTimeoutException.class, () -> get("/a", Map.of()));
        assertTrue(e.getMessage().contains("sent nothing for 1 s"), e.getMessage());
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
        IOException mid = assertThrows(IOException.class, () -> get("/b", Map.of()));
        assertTrue(mid.getMessage().contains("sent nothing for 1 s"), mid.getMessage());
    }

    @Test
    void aBodyCutShortIsAnErrorNotAnEnd() {
        answers.add("CUT:HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
        IOException e = assertThrows(IOException.class, () -> get("/a", Map.of()));
        assertTrue(e.getMessage().contains("5 bytes of the body to come"), e.getMessage());
        assertEquals(0, connections.idleCount());
    }

    @Test
    void headsOverTheLimitAndHeaderInjectionAreRefused() {
        answers.add("HTTP/1.1 200 OK\r\nX: " + "a".repeat(BlobConnections.MAX_HEAD_BYTES) + "\r\n\r\n");
        assertThrows(IOException.class, () -> get("/a", Map.of()));
        assertThrows(IOException.class, () -> get("/b", Map.of("Authorization", "x\r\nEvil: 1")));
    }

    @Test
    void aBodyClosedByAnotherThreadWakesItsReader() throws Exception {
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
        BlobConnections slow = new BlobConnections(Duration.ofSeconds(20), Duration.ofSeconds(5));
        BlobConnections.Response r = slow.get(uri("/a"), Map.of(), null);
        r.body().readNBytes(5);
        java.util.concurrent.CompletableFuture<Throwable> failed = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                r.body().read();
                failed.complete(null);
            } catch (IOException e) {
                failed.complete(e);
            }
        });
        reader.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays
                .stream(reader.getStackTrace()).anyMatch(f -> f.getClassName().equals("sun.nio.ch.NioSocketImpl")));
        long start = System.nanoTime();
        r.close();
        Throwable thrown = failed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(thrown instanceof IOException, String.valueOf(thrown));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "woken at once, not after the idle time");
    }
}
