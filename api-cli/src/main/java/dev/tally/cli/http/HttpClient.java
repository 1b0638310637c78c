package dev.tally.cli.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client for the daemon, over a Unix socket or TCP. Every
 * request uses a new connection that belongs to the returned response. Sends
 * {@code Host: tally} and {@code User-Agent: tally-cli}.
 *
 * <p>Written here because the JDK's {@code java.net.http} has no Unix sockets and because a
 * library costs every command: GET /version in a JVM of its own (the launcher's flags, a static
 * class-data archive each), hyperfine, 2 x 40 runs interleaved in blocks of 10 on a busy 2-core
 * host, medians: this client 216 and 235 ms (CPU 68 and 69 ms), OkHttp 4.12 over a
 * {@code java.net.Socket} adapter on the JDK's Unix {@code SocketChannel} 429 and 438 ms (CPU 213
 * and 213 ms). It also hijacks connections (attach, exec), which OkHttp offers for WebSockets only.
 */
public final class HttpClient {

    private static final int BUFFER = 64 * 1024;

    private final DaemonAddress address;

    public HttpClient(DaemonAddress address) {
        this.address = address;
    }

    public DaemonAddress address() {
        return address;
    }

    /**
     * Sends the request and returns as soon as the response headers arrived, whatever
     * the status. The body stays on the wire and is decoded by Content-Length, chunked
     * transfer encoding, or end of connection.
     */
    public HttpResponse exchange(HttpRequest request) throws IOException {
        return send(request).response();
    }

    /**
     * Sends the request asking to upgrade the connection to a raw stream and returns
     * the hijacked connection once the daemon answered {@code 101}.
     *
     * @throws DaemonErrorException when the daemon answered with an error status
     * @throws IOException when it answered anything else but 101
     */
    public HijackedConnection hijack(HttpRequest request) throws IOException {
        return sendUpgrade(request).hijacked();
    }

    /**
     * Sends the request on a connection of its own and returns without waiting for the answer,
     * so that several requests can be on their way to the daemon at once.
     */
    public SentRequest send(HttpRequest request) throws IOException {
        DaemonConnection connection = address.connect();
        return closingOnFailure(connection, () -> new SentRequest(request, connection, send(connection, request)));
    }

    /** {@link #send(HttpRequest)} for a request asking to upgrade the connection to a raw stream. */
    public SentRequest sendUpgrade(HttpRequest request) throws IOException {
        return send(request.withHeader("Connection", "Upgrade").withHeader("Upgrade", "tcp"));
    }

    /** A request on its way; its answer is read once, by one of the two methods. */
    public final class SentRequest {

        private final HttpRequest request;
        private final DaemonConnection connection;
        private final InputStream in;

        private SentRequest(HttpRequest request, DaemonConnection connection, InputStream in) {
            this.request = request;
            this.connection = connection;
            this.in = in;
        }

        /** Waits for the response headers, whatever the status; the body stays on the wire. */
        public HttpResponse response() throws IOException {
            return closingOnFailure(connection, () -> {
                ResponseHead head = readFinalHead(in);
                return new HttpResponse(head, bodyOf(request, head, in), connection);
            });
        }

        /**
         * Waits for the daemon to switch protocols and returns the raw connection.
         *
         * @throws DaemonErrorException when the daemon answered with an error status
         * @throws IOException when it answered anything else but 101
         */
        public HijackedConnection hijacked() throws IOException {
            try {
                ResponseHead head = ResponseHead.read(in);
                if (head.status() == 101) {
                    return new HijackedConnection(connection, in);
                }
                new HttpResponse(head, bodyOf(request, head, in), connection).expectSuccess();
                throw new IOException("the daemon did not switch protocols: it answered " + head.statusLine());
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        /** Drops the request's connection, answered or not. */
        public void abandon() throws IOException {
            connection.close();
        }
    }

    /** Work on a connection that may fail with an I/O error. */
    private interface ConnectionWork<T> {
        T run() throws IOException;
    }

    /** Runs the work; if it fails, closes the connection and rethrows (an I/O error with the TLS hint). */
    private <T> T closingOnFailure(DaemonConnection connection, ConnectionWork<T> work) throws IOException {
        try {
            return work.run();
        } catch (IOException e) {
            connection.close();
            throw withTlsHint(e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A daemon that hangs up on plain TCP without a word most likely wants TLS: say so. */
    private IOException withTlsHint(IOException e) {
        if (!address.plainTcp() || !ResponseHead.NO_ANSWER.equals(e.getMessage())) {
            return e;
        }
        return new IOException(e.getMessage() + " (does it require TLS? use --tlsverify with --tlscacert, --tlscert "
                + "and --tlskey, or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)", e);
    }

    /**
     * Writes the request and returns the buffered stream to read the answer from. If
     * writing the body fails, the daemon may already have answered (typically with an
     * error), so the answer is still attempted and the write failure kept for later.
     */
    private InputStream send(DaemonConnection connection, HttpRequest request) throws IOException {
        OutputStream out = new BufferedOutputStream(connection.output(), BUFFER);
        RequestBody body = request.body();
        long length = body == null ? -1 : body.contentLength();
        StringBuilder head = new StringBuilder();
        head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
        head.append("Host: tally\r\n");
        head.append("User-Agent: tally-cli\r\n");
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(body.contentType()).append("\r\n");
            if (length >= 0) {
                head.append("Content-Length: ").append(length).append("\r\n");
            } else {
                head.append("Transfer-Encoding: chunked\r\n");
            }
        } else if (expectsBody(request.method())) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("\r\n");
        InputStream in = new BufferedInputStream(connection.input(), BUFFER);
        try {
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                writeBody(out, body, length);
            }
            out.flush();
        } catch (IOException writeFailure) {
            return new AnswerAfterFailedWrite(in, writeFailure);
        }
        return in;
    }

    private static void writeBody(OutputStream out, RequestBody body, long length) throws IOException {
        if (length >= 0) {
            body.writeTo(out);
            return;
        }
        ChunkedBodyOutputStream chunked = new ChunkedBodyOutputStream(out);
        OutputStream buffered = new BufferedOutputStream(chunked, BUFFER);
        body.writeTo(buffered);
        buffered.flush();
        chunked.finish();
    }

    private static boolean expectsBody(String method) {
        String upper = method.toUpperCase(Locale.ROOT);
        return upper.equals("POST") || upper.equals("PUT") || upper.equals("PATCH");
    }

    private static ResponseHead readFinalHead(InputStream in) throws IOException {
        ResponseHead head = ResponseHead.read(in);
        while (head.status() == 100) {
            head = ResponseHead.read(in);
        }
        return head;
    }

    private static InputStream bodyOf(HttpRequest request, ResponseHead head, InputStream in) {
        int status = head.status();
        if (request.method().equalsIgnoreCase("HEAD") || status == 204 || status == 304 || status < 200) {
            return new LengthBoundedInputStream(in, 0);
        }
        String transferEncoding = head.header("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedBodyInputStream(in);
        }
        String contentLength = head.header("Content-Length");
        if (contentLength != null) {
            try {
                return new LengthBoundedInputStream(in, Long.parseLong(contentLength.trim()));
            } catch (NumberFormatException malformed) {
                return in;
            }
        }
        return in;
    }
}
