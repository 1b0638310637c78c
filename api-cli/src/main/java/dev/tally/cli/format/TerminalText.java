package dev.tally.cli.format;

/**
 * The one rule for text from the daemon in human output: what could move the cursor, end a line
 * or drive the terminal is printed as an escape, so a value always stays inside its own cell and
 * row. C0 controls, DEL and C1 controls (ESC, CSI, OSC among them) become {@code \n}, {@code \t},
 * {@code \r}, {@code \x1b}, {@code \u009b} as Go's {@code %q} writes them; the Unicode line and
 * paragraph separators and the bidirectional overrides and isolates become {@code \u2028} and so on.
 * Everything else, backslashes included, is printed as it is, so ordinary names read as they are.
 * JSON output and container output (logs, attach) never pass through here: they stay exact.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /** The text with every control character escaped; null is printed as "". Idempotent. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        if (text.codePoints().noneMatch(TerminalText::needsEscape)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (!needsEscape(c)) {
                escaped.appendCodePoint(c);
                return;
            }
            switch (c) {
                case 0x07 -> escaped.append("\\a");
                case '\b' -> escaped.append("\\b");
                case '\f' -> escaped.append("\\f");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                case 0x0b -> escaped.append("\\v");
                default -> escaped.append(c <= 0x7f ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            }
        });
        return escaped.toString();
    }

    /** {@link #escape} of a value's text, for values read from a JSON answer. */
    public static String escape(Object value) {
        return escape(value == null ? null : value.toString());
    }

    /**
     * JSON text made safe the same way but still JSON: what {@link #escape} would escape becomes a
     * JSON escape ({@code \\u001b}, {@code \\u009b}, {@code \\u202e}), which means the same character.
     * JSON writers escape C0 controls in strings already; DEL, C1 and the rest they write as they are.
     */
    public static String escapeInJson(String json) {
        if (json.codePoints().noneMatch(TerminalText::needsEscape)) {
            return json;
        }
        StringBuilder escaped = new StringBuilder(json.length() + 8);
        json.codePoints().forEach(c -> {
            if (needsEscape(c)) {
                escaped.append(String.format("\\u%04x", c));
            } else {
                escaped.appendCodePoint(c);
            }
        });
        return escaped.toString();
    }

    private static boolean needsEscape(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
