package dev.tally.rest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as Docker writes them (RFC 3339 with nine fraction digits) and reads them in queries. */
final class Rfc3339 {

    private static final DateTimeFormatter NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'")
            .withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    static String nano(Instant t) {
        return NANO.format(t);
    }

    /** Docker's query times: Unix seconds with an optional fraction ({@code 1795435200.5}); INVALID otherwise. */
    static Instant unixSeconds(String param) {
        try {
            double seconds = Double.parseDouble(param);
            return Instant.ofEpochSecond((long) seconds, (long) ((seconds - Math.floor(seconds)) * 1e9));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw dev.tally.domain.DomainException.invalid("invalid time: " + param);
        }
    }
}
