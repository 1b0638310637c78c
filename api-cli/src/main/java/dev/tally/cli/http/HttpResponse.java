package dev.tally.cli.http;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A response whose headers have been read and whose body is still on the wire.
 * The body is streamed: reading it blocks only until more bytes arrive. The
 * caller must close the response, which closes its connection.
 */
public final class HttpResponse implements Closeable {

    private final ResponseHead head;
    private final InputStream body;
    private final DaemonConnection connection;

    HttpResponse(ResponseHead head, InputStream body, DaemonConnection connection) {
        this.head = head;
        this.body = body;
        this.connection = connection;
    }

    public int status() {
        return head.status();
    }

    public String reason() {
        return head.reason();
    }

    /** A header's value (case-insensitive name), or null when absent. */
    public String header(String name) {
        return head.header(name);
    }

    public Map<String, String> headers() {
        return head.headers();
    }

    /** True for 2xx, and for 304 which the Engine API uses for "already in that state". */
    public boolean isSuccess() {
        return (status() >= 200 && status() < 300) || status() == 304;
    }

    /** The body as it arrives; ends where the response ends. */
    public InputStream body() {
        return body;
    }

    /** Reads the rest of the body as UTF-8 text. */
    public String bodyText() throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * Returns this response when it {@link #isSuccess() succeeded}; otherwise reads
     * the body, closes the response and throws the daemon's error message.
     */
    public HttpResponse expectSuccess() throws IOException {
        if (isSuccess()) {
            return this;
        }
        try {
            throw new DaemonErrorException(status(), errorMessage(bodyText()));
        } finally {
            close();
        }
    }

    private String errorMessage(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("{")) {
            try {
                Object message = JSON.std.mapFrom(trimmed).get("message");
                if (message != null && !message.toString().isEmpty()) {
                    return message.toString();
                }
            } catch (IOException notJson) {
                // fall through to the raw text
            }
        }
        if (!trimmed.isEmpty()) {
            return trimmed;
        }
        return "the daemon answered " + head.statusLine();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
