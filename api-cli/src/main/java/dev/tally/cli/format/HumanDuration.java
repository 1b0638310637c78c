package dev.tally.cli.format;

import java.time.Duration;
import java.time.Instant;

/** Docker's human-readable durations ("5 seconds", "About a minute", "3 days"), as used in "CREATED" columns. */
public final class HumanDuration {

    private HumanDuration() {
    }

    /** The duration in docker's words; negative durations read as "Less than a second". */
    static String of(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds == 1) {
            return "1 second";
        }
        if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        }
        if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = roundedHours(d);
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 48) {
            return hours + " hours";
        }
        if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        }
        if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return d.toHours() / 24 / 365 + " years";
    }

    /** "5 seconds ago" for a Unix creation time seen at {@code now}. */
    public static String ago(long createdUnixSeconds, Instant now) {
        return of(Duration.between(Instant.ofEpochSecond(createdUnixSeconds), now)) + " ago";
    }

    private static long roundedHours(Duration d) {
        Duration halfHour = Duration.ofMinutes(30);
        return d.plus(halfHour).toHours();
    }
}
