package dev.tally.runtime.registry;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Blob GETs over blocking HTTP/1.1 connections kept alive between requests: a body is read by its
 * caller's thread straight from the socket into the caller's buffer (the pipe's chunk of a layer),
 * with no event loop, no selector thread and no buffer allocated per read, which the JDK's
 * {@code HttpClient} spent on every blob (its selector thread, a heap buffer per read that the young
 * collections then copied, and a copy out of it). The rest of the protocol (manifests, tokens,
 * uploads) stays on the {@code HttpClient}: it is small or rare.
 *
 * <p>Why not a library: the JDK's {@code HttpURLConnection} keeps its connections in a JVM-wide cache
 * of at most 5 per host ({@code http.maxConnections}, fewer than a pull's parallel layers), and closing
 * its stream from another thread first drains the rest of the body for reuse; a third-party client
 * (Apache's) is a dependency of its own for one GET. What is needed is small: a GET with a few headers,
 * a status line and headers, a body by {@code Content-Length} or chunked.
 *
 * <p>Contracts: TLS with the registry's trust ({@code certs.d}) and the host name checked as HTTPS
 * does; a read (and the wait for the answer) gives up with an {@link HttpTimeoutException} when the
 * registry sends nothing for the idle time; {@link Response#close} from any thread closes the
 * connection unless its body was read to its end (then it goes back to the pool), and wakes a reader
 * waiting on it. A pooled connection the server closed meanwhile is replaced once, transparently.
 */
final class BlobConnections {

    /** Connections kept idle per origin: a pull reads {@code PARALLEL_LAYERS} (6) blobs at once. */
    static final int MAX_IDLE = 8;
    /** An idle connection older than this is closed rather than reused (servers drop idle ones). */
    static final long MAX_IDLE_NANOS = Duration.ofSeconds(20).toNanos();
    /** Status line and headers, at most (a hostile registry cannot make us read forever). */
    static final int MAX_HEAD_BYTES = 64 << 10;

    private final int idleMillis;
    private final int connectMillis;
    private final Map<String, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();

    BlobConnections(Duration idle, Duration connect) {
        this.idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, idle.toMillis()));
        this.connectMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connect.toMillis()));
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
        Connection fresh = open(uri, origin, tls);
        try {
            return fresh.exchange(uri, headers);
        } catch (StaleConnection nothing) {
            throw new EOFException("the registry closed the connection without an answer");
        }
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

    private Connection open(URI uri, String origin, SSLContext tls) throws IOException {
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = port(uri);
        Socket raw = new Socket();
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
            }
            return new Connection(origin, s);
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
        private final InputStream in;
        private final OutputStream out;
        /** Bytes read ahead of the body (with the headers): served before the socket is read again. */
        private final byte[] buffer = new byte[16 << 10];
        private int position;
        private int limit;
        private volatile long idleSince;
        /** Whether it served an answer before (then a break before any byte of the next is the server's idle close). */
        private volatile boolean wasIdle;

        Connection(String origin, Socket socket) throws IOException {
            this.origin = origin;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Response exchange(URI uri, Map<String, String> headers) throws IOException {
            boolean pooled = wasIdle;
            position = 0;
            limit = 0;
            StringBuilder req = new StringBuilder(256);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            req.append("GET ").append(path);
            if (uri.getRawQuery() != null) {
                req.append('?').append(uri.getRawQuery());
            }
            req.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
            if (uri.getPort() > 0) {
                req.append(':').append(uri.getPort());
            }
            req.append("\r\nUser-Agent: tally\r\nAccept-Encoding: identity\r\n");
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String v = h.getValue();
                if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                    throw new IOException("a header value with a line break");
                }
                req.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
            req.append("\r\n");
            try {
                out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String status = line(pooled);
                return answer(status);
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

        private Response answer(String statusLine) throws IOException {
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
            return new Body(this, status, heads, chunked, length, keepAlive && (chunked || length >= 0));
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
