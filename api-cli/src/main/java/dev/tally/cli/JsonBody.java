package dev.tally.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * The JSON of the request bodies the CLI sends, written compactly by jackson-jr: maps with string
 * keys, lists, strings, integral numbers, finite decimals, booleans and null, nulls included
 * (docker sends {@code "Cmd":null}). This class only refuses, before writing, what JSON cannot hold.
 * A writer of its own, kept here until 2026-12 to spare run's first request jackson-jr's writer,
 * saved nothing measurable: {@code tally run --rm busybox true}, hyperfine, the two builds
 * interleaved in blocks of 10 on a busy 2-core host, three runs of 40, 50 and 60, medians with
 * and without it: wall 375/361, 749/730, 650/1009 ms (mostly the daemon's time, which swings with
 * the host's load), CLI CPU 78/77, 82/84, 81/85 ms.
 */
final class JsonBody {

    private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private JsonBody() {
    }

    /**
     * @throws IllegalArgumentException for a value of another kind, a non-string key or a
     *                                  number JSON cannot hold (NaN, infinity)
     */
    static String of(Object value) {
        check(value);
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    private static void check(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("JSON has no number " + number);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys are strings, not " + entry.getKey());
                }
                check(entry.getValue());
            }
        } else if (value instanceof Collection<?> items) {
            for (Object item : items) {
                check(item);
            }
        } else if (!(value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte)) {
            throw new IllegalArgumentException("no JSON for a " + value.getClass().getName());
        }
    }
}
