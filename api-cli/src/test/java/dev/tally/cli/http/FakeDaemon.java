package dev.tally.cli.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted daemon for tests: a real Unix socket server in a temporary
 * directory. Each connection gets its own thread, which reads one HTTP request
 * (recorded in arrival order) and hands the connection to the handler routed by
 * method and path (the path without the {@code /v1.50} prefix and query). The
 * connection closes when the handler returns. Handler failures are collected in
 * {@link #failures()} for the test to assert on.
 */
public final class FakeDaemon implements AutoCloseable {

    /** One request as received. Header names are case-insensitive. */
    public record Request(String method, String target, Map<String, String> headers, byte[] body) {

        /** The target without the version prefix and without the query. */
        public String path() {
            String path = target.startsWith("/v1.50/") ? target.substring("/v1.50".length()) : target;
            int query = path.indexOf('?');
            return query < 0 ? path : path.substring(0, query);
        }

        /** The raw query string (still URL-encoded), or "" when there is none. */
        public String query() {
            int query = target.indexOf('?');
            return query < 0 ? "" : target.substring(query + 1);
        }

        public String header(String name) {
            return headers.get(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The daemon's side of one connection. */
    public static final class Exchange {
        private final Request request;
        private final SocketChannel channel;
        private final InputStream in;
        private final OutputStream out;

        Exchange(Request request, SocketChannel channel, InputStream in, OutputStream out) {
            this.request = request;
            this.channel = channel;
            this.in = in;
            this.out = out;
        }

        public Request request() {
            return request;
        }

        /** Bytes the client sends after the request (hijacked connections). */
        public InputStream in() {
            return in;
        }

        public OutputStream out() {
            return out;
        }

        /** Writes text as-is and flushes. */
        public void writeRaw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /**
         * A complete response with a Content-Length body, in one write: a client may close as soon
         * as it has the head (the CLI does, for answers whose body it does not need), and a second
         * write would then fail with a broken pipe that is no failure of the client.
         */
        public void respond(int status, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                    + "Content-Type: " + contentType + "\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] whole = java.util.Arrays.copyOf(head, head.length + bytes.length);
            System.arraycopy(bytes, 0, whole, head.length, bytes.length);
            out.write(whole);
            out.flush();
        }

        public void respondJson(int status, String json) throws IOException {
            respond(status, "application/json", json);
        }

        /** A response without body, e.g. 204. */
        public void respondEmpty(int status) throws IOException {
            writeRaw("HTTP/1.1 " + status + " " + reason(status) + "\r\n\r\n");
        }

        /** Answers an upgrade request with 101, leaving the connection raw. */
        public void switchProtocols() throws IOException {
            writeRaw("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
        }

        /** Starts a chunked response; follow with {@link #chunk} and {@link #endChunks}. */
        public void startChunked(int status, String contentType) throws IOException {
            writeRaw("HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: " + contentType
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        }

        public void chunk(byte[] data) throws IOException {
            out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        public void chunk(String text) throws IOException {
            chunk(text.getBytes(StandardCharsets.UTF_8));
        }

        public void endChunks() throws IOException {
            writeRaw("0\r\n\r\n");
        }

        /** Reads what the client sends until it half-closes or closes. */
        public byte[] readToEnd() throws IOException {
            return in.readAllBytes();
        }

        public void close() throws IOException {
            channel.close();
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 201 -> "Created";
                case 204 -> "No Content";
                case 304 -> "Not Modified";
                case 404 -> "Not Found";
                case 409 -> "Conflict";
                case 500 -> "Internal Server Error";
                default -> "Status";
            };
        }
    }

    /** Handles one request; may keep the connection as long as it needs. */
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();

    private FakeDaemon(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    /** Listens on {@code dir/tally.sock}. */
    public static FakeDaemon start(Path dir) throws IOException {
        Path socket = dir.resolve("tally.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        FakeDaemon daemon = new FakeDaemon(socket, server);
        Thread acceptor = new Thread(daemon::acceptLoop, "fake-daemon-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return daemon;
    }

    /** Routes requests with this method and path (no version prefix, no query) to the handler. */
    public FakeDaemon on(String method, String path, Handler handler) {
        routes.put(method + " " + path, handler);
        return this;
    }

    /** {@code unix:///.../tally.sock} */
    public String address() {
        return "unix://" + socket;
    }

    public DaemonAddress daemonAddress() {
        return DaemonAddress.parse(address());
    }

    public List<Request> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    public List<Throwable> failures() {
        return Collections.unmodifiableList(new ArrayList<>(failures));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel connection : connections) {
            connection.close();
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                connections.add(connection);
                Thread worker = new Thread(() -> serve(connection), "fake-daemon-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
            OutputStream out = Channels.newOutputStream(connection);
            Request request = readRequest(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            Handler handler = routes.get(request.method() + " " + request.path());
            Exchange exchange = new Exchange(request, connection, in, out);
            if (handler == null) {
                exchange.respondJson(404, "{\"message\":\"no route for " + request.method() + " " + request.path() + "\"}");
                return;
            }
            handler.handle(exchange);
        } catch (Throwable failure) {
            if (server.isOpen()) {
                failures.add(failure);
            }
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                decoded.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            body = decoded.toByteArray();
        } else if (headers.containsKey("Content-Length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("Content-Length")));
        } else {
            body = new byte[0];
        }
        return new Request(parts[0], parts[1], Collections.unmodifiableMap(headers), body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
