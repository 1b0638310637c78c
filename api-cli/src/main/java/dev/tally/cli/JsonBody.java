package dev.tally.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the request bodies the CLI sends as compact JSON: maps with string keys, lists, strings,
 * integral numbers, finite decimals, booleans and null, nulls included (docker sends
 * {@code "Cmd":null}). Written here rather than with jackson-jr because its writer's first use
 * costs {@code run} start-up time on the way to its first request. Measured on the installed
 * launcher (class-data archive made the same way for both builds), {@code tally run --rm busybox
 * true}, hyperfine, the builds interleaved in blocks of 10 on a shared 2-core host, six runs of 40
 * to 60, median CLI CPU with this class and with jackson-jr writing: 78/77, 82/84, 81/85, 73/76,
 * 75/78, 75/77 ms (2-3 ms saved in five of six); wall 375/361, 749/730, 650/1009, 249/287,
 * 344/363, 400/412 ms (mostly the daemon's time, which swings with the host's load).
 */
final class JsonBody {

    private JsonBody() {
    }

    /**
     * @throws IllegalArgumentException for a value of another kind, a non-string key or a
     *                                  number JSON cannot hold (NaN, infinity)
     */
    static String of(Object value) {
        StringBuilder out = new StringBuilder(512);
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            quote(out, text);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("JSON has no number " + number);
            }
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys are strings, not " + entry.getKey());
                }
                quote(out, key);
                out.append(':');
                write(out, entry.getValue());
                if (entries.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            Iterator<?> each = items.iterator();
            while (each.hasNext()) {
                write(out, each.next());
                if (each.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("no JSON for a " + value.getClass().getName());
        }
    }

    /** A JSON string: quote, backslash and control characters escaped, everything else as it is. */
    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
