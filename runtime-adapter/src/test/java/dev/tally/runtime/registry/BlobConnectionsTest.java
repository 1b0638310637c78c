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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The blocking HTTP/1.1 blob reader against a server whose every byte the test writes. */
@Timeout(30)
class BlobConnectionsTest {

    /**
     * Each connection accepted takes its answers from here, one per request read: "CLOSE" closes it
     * instead, "SILENT" answers nothing, "STALL" takes nothing more until the test ends, "CUT:..." writes the rest and closes,
     * "EARLY:..." writes the rest before it read the request's body, and closes. Otherwise a request's
     * body (by its Content-Length) is read into {@link #bodies} before the answer.
     */
    private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Connections the server closed. */
    private final AtomicInteger closed = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch testEnded = new java.util.concurrent.CountDownLatch(1);
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
        testEnded.countDown();
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
                if (answer.equals("STALL")) {
                    testEnded.await();
                    return;
                }
                if (answer.startsWith("EARLY:")) {
                    out.write(answer.substring(6).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return; // and closes, its body unread
                }
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\nContent-Length: ([0-9]+)\r\n")
                        .matcher(head);
                if (length.find()) {
                    bodies.add(in.readNBytes(Integer.parseInt(length.group(1))));
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
        } finally {
            closed.incrementAndGet();
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

    @TempDir
    Path tmp;

    private Path file(int size, int seed) throws IOException {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        Path f = tmp.resolve("blob" + seed);
        Files.write(f, bytes);
        return f;
    }

    private BlobConnections.Response put(BlobConnections c, String path, InputStream content, long length)
            throws IOException {
        return c.send("PUT", uri(path), Map.of("Content-Type", "application/octet-stream"), content, length, null);
    }

    @Test
    void anUploadFromAFileIsSentFromTheFileAndItsConnectionKeptForTheNext() throws IOException {
        Path first = file(3 << 20, 1);
        Path second = file(1 << 20, 2);
        answers.add("HTTP/1.1 201 Created\r\nLocation: /v2/app/blobs/x\r\nContent-Length: 0\r\n\r\n");
        answers.add("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        AtomicLong sent = new AtomicLong();
        try (SentFile in = SentFile.open(first, 100, sent); BlobConnections.Response r = put(connections, "/up?digest=a",
                in, Files.size(first) - 100)) {
            assertEquals(201, r.status());
            assertEquals("/v2/app/blobs/x", r.headers().firstValue("Location").orElseThrow());
            assertEquals(Files.size(first), in.file().position(), "the stream stands after what was sent");
        }
        try (SentFile in = SentFile.open(second, 0, sent); BlobConnections.Response r = put(connections, "/up?digest=b",
                in, 4096)) {
            assertEquals(201, r.status());
        }
        byte[] all = Files.readAllBytes(first);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 100, all.length), bodies.get(0));
        assertArrayEquals(java.util.Arrays.copyOf(Files.readAllBytes(second), 4096), bodies.get(1), "no more than asked");
        assertEquals(all.length - 100 + 4096, sent.get());
        assertEquals(1, accepted.get(), "one connection for both");
        assertTrue(requests.get(0).startsWith("PUT /up?digest=a HTTP/1.1\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\r\nContent-Length: " + (all.length - 100) + "\r\n"), requests.get(0));
    }

    @Test
    void anUploadFromAStreamIsReadAndWritten() throws IOException {
        byte[] bytes = new byte[(1 << 20) + 17];
        new java.util.Random(3).nextBytes(bytes);
        answers.add("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        try (BlobConnections.Response r = put(connections, "/up", new java.io.ByteArrayInputStream(bytes), bytes.length)) {
            assertEquals(202, r.status());
        }
        assertArrayEquals(bytes, bodies.get(0));
    }

    @Test
    void anAnswerTheRegistryGivesBeforeItTookTheBodyIsReturned() throws IOException {
        Path big = file(32 << 20, 4); // more than the sockets' buffers hold
        answers.add("EARLY:HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"x\"\r\nContent-Length: 2\r\n\r\nno");
        answers.add("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        try (SentFile in = SentFile.open(big, 0, new AtomicLong());
             BlobConnections.Response r = put(connections, "/up", in, Files.size(big))) {
            assertEquals(401, r.status());
            assertEquals("Bearer realm=\"x\"", r.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals("no", new String(r.body().readAllBytes()));
        }
        assertEquals(0, connections.idleCount(), "a connection whose body was not all sent is not reused");
        try (SentFile in = SentFile.open(big, 0, new AtomicLong()); BlobConnections.Response r = put(connections, "/up",
                in, 10)) {
            assertEquals(201, r.status());
        }
        assertEquals(2, accepted.get());
    }

    @Test
    void anUploadTheRegistryTakesNothingOfFailsAfterTheIdleTimeSayingSo() throws IOException {
        Path big = file(32 << 20, 5);
        answers.add("STALL");
        try (SentFile in = SentFile.open(big, 0, new AtomicLong())) {
            long start = System.nanoTime();
            HttpTimeoutException e = assertThrows(HttpTimeoutException.class, () -> put(connections, "/up", in,
                    Files.size(big)));
            assertTrue(e.getMessage().contains("took no bytes and sent no answer for 1 s"), e.getMessage());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "given up after about the idle time");
        }
        assertEquals(0, connections.idleCount());
    }

    @Test
    void aStoppedContentFailsTheUploadAsTheContentsFailureAndClosesTheConnection() throws IOException {
        Path big = file(4 << 20, 6);
        answers.add("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        try (SentFile in = SentFile.open(big, 0, new AtomicLong())) {
            in.stopped = true;
            BlobConnections.ContentFailure e = assertThrows(BlobConnections.ContentFailure.class,
                    () -> put(connections, "/up", in, Files.size(big)));
            assertTrue(e.getMessage().contains("stopped"), e.getMessage());
        }
        try (SentFile in = SentFile.open(big, 0, new AtomicLong())) {
            in.close();
            assertThrows(BlobConnections.ContentFailure.class, () -> put(connections, "/up", in, Files.size(big)),
                    "a file closed under the upload (the transfer stopped) is the content's failure");
        }
        BlobConnections.ContentFailure shortFile = assertThrows(BlobConnections.ContentFailure.class,
                () -> put(connections, "/up", new java.io.ByteArrayInputStream(new byte[10]), 11));
        assertTrue(shortFile.getMessage().contains("1 bytes short"), shortFile.getMessage());
        assertEquals(0, connections.idleCount());
    }

    @Test
    void aPooledUploadConnectionTheServerClosedIsNotSentOn() throws IOException {
        answers.add("CUT:HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        answers.add("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        byte[] bytes = "0123456789".getBytes();
        try (BlobConnections.Response r = put(connections, "/a", new java.io.ByteArrayInputStream(bytes), 10)) {
            assertEquals(201, r.status());
        }
        assertEquals(1, connections.idleCount(), "kept: its answer said nothing of a close");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> closed.get() == 1);
        InputStream once = new java.io.ByteArrayInputStream(bytes); // a body that cannot be sent twice
        try (BlobConnections.Response r = put(connections, "/b", once, 10)) {
            assertEquals(201, r.status(), "sent on a new connection, not on the closed one");
        }
        assertEquals(2, accepted.get());
        assertArrayEquals(bytes, bodies.get(1));
    }
}
