package dev.tally.runtime.registry;

import dev.tally.domain.image.registry.Registry;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Blob GETs and uploads over blocking HTTP/1.1 connections kept alive between requests: a body is read by its
 * caller's thread straight from the socket into the caller's buffer (the pipe's chunk of a layer),
 * with no event loop, no selector thread and no buffer allocated per read, which the JDK's
 * {@code HttpClient} spent on every blob (its selector thread, a heap buffer per read that the young
 * collections then copied, and a copy out of it). An upload's body is written by its caller's thread:
 * over plain HTTP from the blob's file by the kernel ({@code FileChannel.transferTo}, sendfile) when
 * the content is a file's ({@link Registry.FileBacked}), else from a buffer the connection keeps. The
 * rest of the protocol (manifests, tokens, upload sessions) stays on the {@code HttpClient}: it is small.
 *
 * <p>Why not a library: the JDK's {@code HttpURLConnection} keeps its connections in a JVM-wide cache
 * of at most 5 per host ({@code http.maxConnections}, fewer than a pull's parallel layers), and closing
 * its stream from another thread first drains the rest of the body for reuse; a third-party client
 * (Apache's) is a dependency of its own for one GET and one PUT, and neither sends a body from a
 * file by sendfile. What is needed is small: a GET, or a PUT/PATCH whose body has a known length,
 * with a few headers; a status line and headers, a body by {@code Content-Length} or chunked.
 *
 * <p>Contracts: TLS with the registry's trust ({@code certs.d}) and the host name checked as HTTPS
 * does; a read (and the wait for the answer) gives up with an {@link HttpTimeoutException} when the
 * registry sends nothing for the idle time, and an upload when the registry takes none of its bytes
 * and sends no answer for the idle time; {@link Response#close} from any thread closes the
 * connection unless its body was read to its end (then it goes back to the pool), and wakes a reader
 * waiting on it. A pooled connection the server closed meanwhile is replaced once, transparently (an
 * upload's is found closed before it is used: its body cannot be sent twice). An answer the registry
 * gives before it took the whole body (a 401, then a close) is read and returned. Uploads have
 * connections of their own (over plain HTTP, {@link SocketChannel}s for sendfile), apart from GETs'.
 */
final class BlobConnections {

    /** Connections kept idle per origin: a pull reads {@code PARALLEL_LAYERS} (6) blobs at once. */
    static final int MAX_IDLE = 8;
    /** An idle connection older than this is closed rather than reused (servers drop idle ones). */
    static final long MAX_IDLE_NANOS = Duration.ofSeconds(20).toNanos();
    /** Status line and headers, at most (a hostile registry cannot make us read forever). */
    static final int MAX_HEAD_BYTES = 64 << 10;

    /** Bytes handed to the kernel per sendfile call: the upload's progress, for its idle check, is counted per step. */
    static final long SEND_STEP = 256 << 10;
    /** Bytes per write when an upload's content is read (TLS, or a stream that is not a file's). */
    static final int WRITE_BUFFER = 64 << 10;

    /** Watches uploads that write: closes the connection of one the registry took no byte of for the idle time. */
    private static final ScheduledThreadPoolExecutor WATCH = watcher();

    private static ScheduledThreadPoolExecutor watcher() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tally-upload-watch");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        return w;
    }

    private final int idleMillis;
    private final int connectMillis;
    private final Map<String, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();

    BlobConnections(Duration idle, Duration connect) {
        this.idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, idle.toMillis()));
        this.connectMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connect.toMillis()));
    }

    /**
     * The content of an upload failed (the blob's file, or its stream stopped by another blob's
     * failure), not the registry: the message is the content's.
     */
    static final class ContentFailure extends IOException {
        ContentFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** An answer: its status and headers, and its body to read (and close). */
    interface Response extends AutoCloseable {
        int status();

        HttpHeaders headers();

        InputStream body();

        @Override
        void close();
    }

    /**
     * One GET of {@code uri} with these headers ({@code Host} and {@code User-Agent} are added), over a
     * pooled connection or a new one; {@code tls} trusts the registry (null only for plain http).
     */
    Response get(URI uri, Map<String, String> headers, SSLContext tls) throws IOException {
        String origin = origin(uri);
        Connection pooled = take(origin);
        if (pooled != null) {
            try {
                return pooled.exchange(uri, headers);
            } catch (StaleConnection closedByServer) {
                pooled.closeQuietly(); // the server closed it while idle: once more on a new one
            }
        }
        Connection fresh = open(uri, origin, tls, false);
        try {
            return fresh.exchange(uri, headers);
        } catch (StaleConnection nothing) {
            throw new EOFException("the registry closed the connection without an answer");
        }
    }

    /**
     * One request with a body of {@code length} bytes read from {@code content} (PUT, PATCH), and its
     * answer; headers as {@link #get}'s, {@code Content-Length} added. Over plain HTTP a content that is
     * a file's is sent from the file (sendfile). A {@link ContentFailure} when the content failed; an
     * {@link HttpTimeoutException} when the registry took no byte and sent nothing for the idle time.
     */
    Response send(String method, URI uri, Map<String, String> headers, InputStream content, long length, SSLContext tls)
            throws IOException {
        String key = "upload " + origin(uri);
        Connection c = take(key);
        if (c != null && !c.stillOpen()) {
            c.closeQuietly();
            c = null;
        }
        if (c == null) {
            c = open(uri, key, tls, uri.getScheme().equals("http"));
        }
        return c.upload(method, uri, headers, content, length);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }

    private Connection take(String origin) {
        ConcurrentLinkedDeque<Connection> q = idle.get(origin);
        if (q == null) {
            return null;
        }
        Connection c;
        while ((c = q.pollFirst()) != null) {
            if (System.nanoTime() - c.idleSince < MAX_IDLE_NANOS) {
                return c;
            }
            c.closeQuietly();
        }
        return null;
    }

    private void giveBack(Connection c) {
        ConcurrentLinkedDeque<Connection> q = idle.computeIfAbsent(c.origin, o -> new ConcurrentLinkedDeque<>());
        c.idleSince = System.nanoTime();
        c.wasIdle = true;
        q.addFirst(c);
        while (q.size() > MAX_IDLE) {
            Connection oldest = q.pollLast();
            if (oldest == null) {
                break;
            }
            oldest.closeQuietly();
        }
    }

    /** How many connections wait for reuse (for tests). */
    int idleCount() {
        return idle.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
    }

    /** A new connection kept under {@code origin}; over plain HTTP a {@link SocketChannel}'s when {@code channel}. */
    private Connection open(URI uri, String origin, SSLContext tls, boolean channel) throws IOException {
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = port(uri);
        SocketChannel ch = channel ? SocketChannel.open() : null;
        Socket raw = ch != null ? ch.socket() : new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(bare, port), connectMillis);
            raw.setSoTimeout(idleMillis);
            Socket s = raw;
            if (uri.getScheme().equals("https")) {
                if (tls == null) {
                    throw new IOException("no TLS context for " + origin);
                }
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(raw, bare, port, true);
                SSLParameters p = secure.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(p);
                secure.startHandshake();
                s = secure;
                ch = null;
            }
            return new Connection(origin, s, raw, ch);
        } catch (SocketTimeoutException e) {
            raw.close();
            throw silent(e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private HttpTimeoutException silent(SocketTimeoutException e) {
        HttpTimeoutException t = new HttpTimeoutException("the registry sent nothing for "
                + IdleTimeoutBody.seconds(Duration.ofMillis(idleMillis).toNanos()));
        t.initCause(e);
        return t;
    }

    /** When an upload's bytes were last taken by the kernel, and whether its watch gave up on it. */
    private static final class Progress {
        volatile long last = System.nanoTime();
        volatile boolean stalled;
    }

    /** A pooled connection that broke before any byte of its answer: the server closed it while idle. */
    private static final class StaleConnection extends IOException {
        StaleConnection(Throwable cause) {
            super("stale connection", cause);
        }
    }

    /** One kept-alive connection: a request at a time, its answer read through a small buffer. */
    private final class Connection {
        private final String origin;
        private final Socket socket;
        /** The TCP socket (under the TLS one, if any). */
        private final Socket raw;
        /** The plain socket's channel, for sendfile; null over TLS and for GETs' connections. */
        private final SocketChannel channel;
        /** What an upload's body is read into when it is not sent from its file; made at the first. */
        private byte[] writeBuffer;
        private final InputStream in;
        private final OutputStream out;
        /** Bytes read ahead of the body (with the headers): served before the socket is read again. */
        private final byte[] buffer = new byte[16 << 10];
        private int position;
        private int limit;
        private volatile long idleSince;
        /** Whether it served an answer before (then a break before any byte of the next is the server's idle close). */
        private volatile boolean wasIdle;

        Connection(String origin, Socket socket, Socket raw, SocketChannel channel) throws IOException {
            this.origin = origin;
            this.socket = socket;
            this.raw = raw;
            this.channel = channel;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** The request line and headers; {@code length} is the body's, or -1 for none (a GET). */
        private byte[] head(String method, URI uri, Map<String, String> headers, long length) throws IOException {
            StringBuilder req = new StringBuilder(256);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            req.append(method).append(' ').append(path);
            if (uri.getRawQuery() != null) {
                req.append('?').append(uri.getRawQuery());
            }
            req.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
            if (uri.getPort() > 0) {
                req.append(':').append(uri.getPort());
            }
            req.append("\r\nUser-Agent: tally\r\nAccept-Encoding: identity\r\n");
            if (length >= 0) {
                req.append("Content-Length: ").append(length).append("\r\n");
            }
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String v = h.getValue();
                if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                    throw new IOException("a header value with a line break");
                }
                req.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
            req.append("\r\n");
            return req.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        Response exchange(URI uri, Map<String, String> headers) throws IOException {
            boolean pooled = wasIdle;
            position = 0;
            limit = 0;
            byte[] req = head("GET", uri, headers, -1);
            try {
                out.write(req);
                out.flush();
                String status = line(pooled);
                return answer(status, true);
            } catch (StaleConnection stale) {
                throw stale;
            } catch (SocketTimeoutException e) {
                closeQuietly();
                throw silent(e);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                if (pooled && limit == 0 && position == 0 && !(e instanceof HttpTimeoutException)) {
                    throw new StaleConnection(e);
                }
                throw e;
            }
        }

        /**
         * Whether a pooled connection is still open at the server's end: nothing to read (not even
         * its close) within a moment. Asked before an upload, whose body cannot be sent twice.
         */
        boolean stillOpen() {
            try {
                if (channel != null) {
                    channel.configureBlocking(false);
                    try {
                        return channel.read(java.nio.ByteBuffer.allocate(1)) == 0;
                    } finally {
                        channel.configureBlocking(true);
                    }
                }
                socket.setSoTimeout(1);
                try {
                    in.read();
                    return false; // its close, or a byte no request asked for
                } catch (SocketTimeoutException nothingCame) {
                    return true;
                } finally {
                    socket.setSoTimeout(idleMillis);
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /**
         * An upload's request and answer. The body is written on this thread, watched by {@link
         * #WATCH}: when the registry takes none of it for the idle time, the connection is closed and
         * the upload fails. When a write fails (the registry answered early, then closed), its
         * answer is still read and returned.
         */
        Response upload(String method, URI uri, Map<String, String> headers, InputStream content, long length)
                throws IOException {
            position = 0;
            limit = 0;
            byte[] req = head(method, uri, headers, length);
            Progress progress = new Progress();
            long step = Math.max(10, Math.min(1000, idleMillis / 4));
            java.util.concurrent.ScheduledFuture<?> watch = WATCH.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - progress.last > TimeUnit.MILLISECONDS.toNanos(idleMillis)) {
                    progress.stalled = true;
                    abort();
                }
            }, step, step, TimeUnit.MILLISECONDS);
            IOException writeFailed = null;
            try {
                out.write(req);
                writeBody(content, length, progress);
                out.flush();
            } catch (ContentFailure e) {
                closeQuietly();
                throw e;
            } catch (IOException e) {
                if (progress.stalled) {
                    throw stalled(e);
                }
                writeFailed = e;
            } finally {
                watch.cancel(false);
            }
            try {
                String status = line(false);
                while (isInterim(status)) {
                    while (!line(false).isEmpty()) {
                        // an interim answer's headers (100 Continue): the final answer follows
                    }
                    status = line(false);
                }
                return answer(status, writeFailed == null);
            } catch (SocketTimeoutException e) {
                closeQuietly();
                throw stalled(e);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                if (writeFailed != null) {
                    writeFailed.addSuppressed(e);
                    throw writeFailed;
                }
                throw e;
            }
        }

        private boolean isInterim(String statusLine) {
            return statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(9) == '1'
                    && !statusLine.startsWith("101", 9);
        }

        private HttpTimeoutException stalled(IOException e) {
            HttpTimeoutException t = new HttpTimeoutException("the registry took no bytes and sent no answer for "
                    + IdleTimeoutBody.seconds(TimeUnit.MILLISECONDS.toNanos(idleMillis)));
            t.initCause(e);
            return t;
        }

        /** {@code length} bytes of {@code content}: from its file by sendfile where it can, else read and written. */
        private void writeBody(InputStream content, long length, Progress progress) throws IOException {
            long left = length;
            FileChannel file = channel != null && content instanceof Registry.FileBacked f ? f.file() : null;
            if (file != null) {
                out.flush();
                Registry.FileBacked sent = (Registry.FileBacked) content;
                while (left > 0) {
                    long at;
                    long n;
                    try {
                        at = file.position();
                        n = file.transferTo(at, Math.min(left, SEND_STEP), channel);
                    } catch (IOException e) {
                        throw file.isOpen() ? e : new ContentFailure(e); // a closed file: the transfer was stopped
                    }
                    if (n <= 0) {
                        throw new ContentFailure(new EOFException("the blob ended " + left + " bytes short of its size"));
                    }
                    try {
                        sent.sent(n);
                    } catch (IOException e) {
                        throw new ContentFailure(e);
                    }
                    left -= n;
                    progress.last = System.nanoTime();
                }
                return;
            }
            if (writeBuffer == null) {
                writeBuffer = new byte[WRITE_BUFFER];
            }
            while (left > 0) {
                int n;
                try {
                    n = content.read(writeBuffer, 0, (int) Math.min(writeBuffer.length, left));
                } catch (IOException e) {
                    throw new ContentFailure(e);
                }
                if (n < 0) {
                    throw new ContentFailure(new EOFException("the blob ended " + left + " bytes short of its size"));
                }
                out.write(writeBuffer, 0, n);
                left -= n;
                progress.last = System.nanoTime();
            }
        }

        private Response answer(String statusLine, boolean reusable) throws IOException {
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.1 answer: " + RegistryErrors.printable(
                        statusLine.substring(0, Math.min(40, statusLine.length()))));
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status line: " + RegistryErrors.printable(statusLine));
            }
            Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            int read = statusLine.length();
            String header;
            while (!(header = line(false)).isEmpty()) {
                read += header.length() + 2;
                if (read > MAX_HEAD_BYTES) {
                    throw new IOException("the registry's answer has over " + MAX_HEAD_BYTES + " bytes of headers");
                }
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                fields.computeIfAbsent(header.substring(0, colon).strip(), k -> new ArrayList<>())
                        .add(header.substring(colon + 1).strip());
            }
            HttpHeaders heads = HttpHeaders.of(fields, (k, v) -> true);
            boolean keepAlive = statusLine.startsWith("HTTP/1.1")
                    && heads.allValues("Connection").stream().noneMatch(v -> v.equalsIgnoreCase("close"));
            boolean chunked = heads.allValues("Transfer-Encoding").stream()
                    .anyMatch(v -> v.toLowerCase(java.util.Locale.ROOT).contains("chunked"));
            long length = -1;
            if (!chunked) {
                String declared = heads.firstValue("Content-Length").orElse(null);
                if (declared != null) {
                    try {
                        length = Long.parseLong(declared.strip());
                    } catch (NumberFormatException e) {
                        throw new IOException("a bad Content-Length: " + RegistryErrors.printable(declared));
                    }
                    if (length < 0) {
                        throw new IOException("a bad Content-Length: " + length);
                    }
                }
            }
            if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
                length = 0;
                chunked = false;
            }
            return new Body(this, status, heads, chunked, length, reusable && keepAlive && (chunked || length >= 0));
        }

        /** A line of the head, without its CRLF; {@code first} tells a stale connection (nothing came) apart. */
        private String line(boolean first) throws IOException {
            StringBuilder s = new StringBuilder(64);
            while (true) {
                if (position == limit) {
                    int n = fill();
                    if (n < 0) {
                        if (first && s.length() == 0) {
                            throw new StaleConnection(new EOFException("closed"));
                        }
                        throw new EOFException("the registry closed the connection in the middle of its answer");
                    }
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = s.length();
                    if (end > 0 && s.charAt(end - 1) == '\r') {
                        s.setLength(end - 1);
                    }
                    return s.toString();
                }
                if (s.length() >= MAX_HEAD_BYTES) {
                    throw new IOException("a header line over " + MAX_HEAD_BYTES + " bytes");
                }
                s.append((char) (b & 0xff));
            }
        }

        private int fill() throws IOException {
            position = 0;
            limit = 0;
            int n = in.read(buffer, 0, buffer.length);
            if (n > 0) {
                limit = n;
            }
            return n;
        }

        /** Up to {@code len} body bytes: what the buffer holds first, then straight from the socket. */
        int readRaw(byte[] b, int off, int len) throws IOException {
            if (position < limit) {
                int n = Math.min(len, limit - position);
                System.arraycopy(buffer, position, b, off, n);
                position += n;
                return n;
            }
            return in.read(b, off, len);
        }

        /**
         * Ends the connection under a writer blocked on it, from another thread: a thread in sendfile
         * is not woken by the channel's close (it writes through the file's channel), only by the
         * socket's shutdown; and a TLS socket's close would first try to write its close_notify.
         */
        void abort() {
            try {
                raw.shutdownOutput();
            } catch (IOException | RuntimeException ignored) {
                // closed already
            }
            try {
                raw.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        void closeQuietly() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** A response's body: by length, chunked, or to the connection's end; the connection is reused when read whole. */
    private final class Body extends InputStream implements Response {
        private final Connection connection;
        private final int status;
        private final HttpHeaders headers;
        private final boolean chunked;
        private final boolean reusable;
        private final AtomicBoolean closed = new AtomicBoolean();
        /** Bytes left in the body (not chunked) or in the current chunk; -1 for "to the end of the connection". */
        private long left;
        private boolean ended;

        Body(Connection connection, int status, HttpHeaders headers, boolean chunked, long length, boolean reusable) {
            this.connection = connection;
            this.status = status;
            this.headers = headers;
            this.chunked = chunked;
            this.reusable = reusable;
            this.left = chunked ? 0 : length;
            this.ended = !chunked && length == 0;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public HttpHeaders headers() {
            return headers;
        }

        @Override
        public InputStream body() {
            return this;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closed.get()) {
                throw new IOException("closed");
            }
            if (len == 0) {
                return 0;
            }
            try {
                if (ended) {
                    return -1;
                }
                if (chunked && left == 0 && !nextChunk()) {
                    return -1;
                }
                int want = left < 0 ? len : (int) Math.min(len, left);
                int n = connection.readRaw(b, off, want);
                if (n < 0) {
                    if (left < 0) {
                        ended = true;
                        return -1;
                    }
                    throw new EOFException("the registry closed the connection with " + left + " bytes of the body to come");
                }
                if (left > 0) {
                    left -= n;
                    if (left == 0 && !chunked) {
                        ended = true;
                    }
                }
                return n;
            } catch (SocketTimeoutException e) {
                close();
                throw silent(e);
            } catch (IOException e) {
                boolean stopped = closed.get();
                close();
                throw stopped ? new IOException("closed", e) : e;
            }
        }

        /** Reads the next chunk's size (after the CRLF of the one before); false after the last. */
        private boolean nextChunk() throws IOException {
            if (started) {
                if (!connection.line(false).isEmpty()) {
                    throw new IOException("a chunk of the body not ended by CRLF");
                }
            }
            started = true;
            String size = connection.line(false);
            int semi = size.indexOf(';');
            try {
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("a bad chunk size: " + RegistryErrors.printable(size));
            }
            if (left < 0) {
                throw new IOException("a bad chunk size: " + left);
            }
            if (left == 0) {
                while (!connection.line(false).isEmpty()) {
                    // trailers: ignored
                }
                ended = true;
                return false;
            }
            return true;
        }

        private boolean started;

        /** Back to the pool when the body was read to its end, else the connection is closed. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (ended && reusable && connection.position == connection.limit) {
                giveBack(connection);
            } else {
                connection.closeQuietly();
            }
        }
    }
}
