package dev.tally.rest;

/**
 * The daemon's own log lines ({@code tallyd: ...} on standard error). A line may quote a request
 * (an error's message names what was asked for), so control characters are escaped as Go's
 * {@code %q} writes them: a client cannot start a line of its own or send the reader's terminal
 * escape sequences. One line per call.
 */
public final class DaemonLog {

    private DaemonLog() {
    }

    /** Prints {@code tallyd: <text>} with the text's control characters escaped. */
    public static void line(String text) {
        System.err.println("tallyd: " + escape(text));
    }

    /** C0 controls, DEL and C1 controls escaped ({@code \n}, {@code \x1b}, {@code \u009b}); the rest as it is. */
    static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        escaped.append(String.format("\\x%02x", c));
                    } else if (c >= 0x80 && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                        escaped.append(String.format("\\u%04x", c));
                    } else {
                        escaped.appendCodePoint(c);
                    }
                }
            }
        });
        return escaped.toString();
    }
}
