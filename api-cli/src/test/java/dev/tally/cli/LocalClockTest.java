package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LocalClockTest {

    @Test
    void tellsTheSystemTimeInTheLocalZone() {
        Instant before = Instant.now();
        Instant now = new LocalClock().instant();

        assertTrue(Duration.between(before, now).abs().compareTo(Duration.ofSeconds(5)) < 0, now.toString());
        assertEquals(ZoneId.systemDefault(), new LocalClock().getZone());
    }

    @Test
    void withAnotherZoneIsTheSystemClockOfThatZone() {
        assertEquals(Clock.system(ZoneOffset.ofHours(2)), new LocalClock().withZone(ZoneOffset.ofHours(2)));
    }
}
