package dev.tally.rest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Docker's RFC 3339 with nanoseconds, always nine digits. */
final class Rfc3339 {

    private static final DateTimeFormatter NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'")
            .withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    static String nano(Instant t) {
        return NANO.format(t);
    }
}
