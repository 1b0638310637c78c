package dev.tally.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLineTest {

    @Test
    void printsLikeDockerWithSortedAttributes() {
        Map<String, Object> event = Map.of(
                "Type", "container", "Action", "start",
                "Actor", Map.of("ID", "abc123", "Attributes", Map.of("name", "web", "image", "busybox")),
                "time", 1795435200L, "timeNano", 1795435200123456789L);

        assertEquals("2026-11-23T12:00:00.123456789Z container start abc123 (image=busybox, name=web)",
                EventLine.format(event, ZoneOffset.UTC));
        assertEquals("2026-11-23T13:00:00.123456789+01:00 container start abc123 (image=busybox, name=web)",
                EventLine.format(event, ZoneId.of("Europe/Berlin")));
    }

    @Test
    void fallsBackToSecondsAndOmitsEmptyAttributes() {
        Map<String, Object> event = Map.of(
                "Type", "image", "Action", "import", "Actor", Map.of("ID", "sha256:ff"), "time", 1795435200L);

        assertEquals("2026-11-23T12:00:00.000000000Z image import sha256:ff", EventLine.format(event, ZoneOffset.UTC));
    }
}
