package dev.tally.cli.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The status line and headers of a response. Header names are case-insensitive. */
final class ResponseHead {

    /** The message when the connection ends before a status line. */
    static final String NO_ANSWER = "the daemon closed the connection without answering";

    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;

    private final int status;
    private final String reason;
    private final Map<String, String> headers;

    ResponseHead(int status, String reason, Map<String, String> headers) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
    }

    /**
     * Reads a status line and headers up to and including the blank line,
     * consuming nothing after it.
     */
    static ResponseHead read(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException(NO_ANSWER);
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("malformed HTTP status line from the daemon: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status line from the daemon: " + statusLine);
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int count = 0; ; count++) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("the daemon closed the connection in the middle of the response headers");
            }
            if (line.isEmpty()) {
                break;
            }
            if (count >= MAX_HEADERS) {
                throw new IOException("too many response headers from the daemon");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed HTTP header from the daemon: " + line);
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return new ResponseHead(status, parts.length > 2 ? parts[2] : "", Collections.unmodifiableMap(headers));
    }

    /** One line without its CRLF (or bare LF); null at end of stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.length() == 0) {
                    return null;
                }
                throw new IOException("the daemon closed the connection in the middle of a line");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("HTTP line from the daemon is too long");
            }
            line.append((char) b);
        }
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    Map<String, String> headers() {
        return headers;
    }

    String header(String name) {
        return headers.get(name);
    }

    String statusLine() {
        return (status + " " + reason).trim();
    }
}
