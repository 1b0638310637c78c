package dev.tally.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Converts --since/--until values to the Unix timestamp the API expects, as the
 * docker CLI does: a duration ({@code 10m}, {@code 2h}, {@code 30s}) counts back
 * from now and gives whole seconds; Unix seconds (possibly fractional) pass
 * through unchanged; an RFC 3339 date-time (or a date, or a date-time without
 * zone, read in the local zone) gives {@code seconds.nanoseconds}.
 */
final class TimeArgument {

    private static final Pattern UNIX_SECONDS = Pattern.compile("^\\d+(\\.\\d{1,9})?$");

    private TimeArgument() {
    }

    /**
     * @throws IllegalArgumentException when the value is neither a duration, a Unix timestamp nor a date
     */
    static String toUnixSeconds(String value, Clock clock) {
        String text = value.trim();
        Duration back = text.equals("0") ? null : GoDuration.parseOrNull(text);
        if (back != null) {
            return Long.toString(clock.instant().minus(back).getEpochSecond());
        }
        if (text.contains("-")) {
            Instant instant = parseDate(text, clock);
            return String.format("%d.%09d", instant.getEpochSecond(), instant.getNano());
        }
        if (UNIX_SECONDS.matcher(text).matches()) {
            return text;
        }
        throw new IllegalArgumentException("failed to parse value as time or duration: \"" + value + "\"");
    }

    private static Instant parseDate(String text, Clock clock) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notWithZone) {
            // try the local forms below
        }
        try {
            return LocalDateTime.parse(text).atZone(clock.getZone()).toInstant();
        } catch (DateTimeParseException notLocalDateTime) {
            // try a bare date below
        }
        try {
            return LocalDate.parse(text).atStartOfDay(clock.getZone()).toInstant();
        } catch (DateTimeParseException notDate) {
            throw new IllegalArgumentException("failed to parse value as time or duration: \"" + text + "\"");
        }
    }
}
