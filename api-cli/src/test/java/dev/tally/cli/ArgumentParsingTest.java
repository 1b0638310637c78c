package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ArgumentParsingTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void goDurationsIncludingCompoundAndFractional() {
        assertEquals(Duration.ofSeconds(30), GoDuration.parseOrNull("30s"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parseOrNull("1h30m"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parseOrNull("1.5h"));
        assertEquals(Duration.ofMillis(250), GoDuration.parseOrNull("250ms"));
        assertNull(GoDuration.parseOrNull("1700000000"));
        assertNull(GoDuration.parseOrNull("10x"));
    }

    @Test
    void relativeTimesCountBackFromNowInWholeSeconds() {
        long now = NOW.getEpochSecond();
        assertEquals(Long.toString(now - 600), TimeArgument.toUnixSeconds("10m", CLOCK));
        assertEquals(Long.toString(now - 7200), TimeArgument.toUnixSeconds("2h", CLOCK));
        assertEquals(Long.toString(now - 30), TimeArgument.toUnixSeconds("30s", CLOCK));
    }

    @Test
    void unixSecondsPassThroughUnchanged() {
        assertEquals("1700000000", TimeArgument.toUnixSeconds("1700000000", CLOCK));
        assertEquals("1700000000.25", TimeArgument.toUnixSeconds("1700000000.25", CLOCK));
        assertEquals("0", TimeArgument.toUnixSeconds("0", CLOCK));
    }

    @Test
    void rfc3339AndLocalDatesBecomeSecondsWithNanoseconds() {
        assertEquals("1795435200.000000000", TimeArgument.toUnixSeconds("2026-11-23T12:00:00Z", CLOCK));
        assertEquals("1795431600.500000000", TimeArgument.toUnixSeconds("2026-11-23T12:00:00.5+01:00", CLOCK));
        Clock berlin = Clock.fixed(NOW, ZoneId.of("Europe/Berlin"));
        assertEquals("1795431600.000000000", TimeArgument.toUnixSeconds("2026-11-23T12:00:00", berlin));
        assertEquals("1795392000.000000000", TimeArgument.toUnixSeconds("2026-11-23", CLOCK));
    }

    @Test
    void nonsenseTimesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TimeArgument.toUnixSeconds("yesterday", CLOCK));
        assertThrows(IllegalArgumentException.class, () -> TimeArgument.toUnixSeconds("2026-13-45", CLOCK));
    }
}
