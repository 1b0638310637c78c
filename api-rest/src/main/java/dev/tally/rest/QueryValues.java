package dev.tally.rest;

import dev.tally.domain.DomainException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Query parameters read as numbers and times. A value given but not readable as asked is INVALID
 * (400) naming the parameter, never another exception; an absent or empty one is the default.
 */
final class QueryValues {

    private QueryValues() {
    }

    static int integer(String name, String value, int dflt) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw DomainException.invalid("invalid value for " + name + ": " + value);
        }
    }

    static long longInteger(String name, String value, long dflt) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw DomainException.invalid("invalid value for " + name + ": " + value);
        }
    }

    /**
     * RFC 3339, or Unix seconds with an optional fraction (read exactly, to the nanosecond); null when
     * absent. An upper bound in whole seconds means the whole of that second, as for /events.
     */
    static Instant instant(String name, String value, boolean upperBound) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            if (value.matches("[0-9]+")) {
                Instant t = Instant.ofEpochSecond(Long.parseLong(value));
                return upperBound ? t.plusSeconds(1).minusNanos(1) : t;
            }
            if (value.matches("[0-9]+\\.[0-9]{1,9}")) {
                String[] parts = value.split("\\.");
                return Instant.ofEpochSecond(Long.parseLong(parts[0]),
                        Long.parseLong((parts[1] + "000000000").substring(0, 9)));
            }
            return Instant.parse(value);
        } catch (NumberFormatException | DateTimeException e) {
            throw DomainException.invalid("invalid value for " + name + ": " + value + " (RFC 3339 or Unix seconds)");
        }
    }
}
