package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentParsingTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void sizesAre1024BasedWithCaseInsensitiveSuffixes() {
        assertEquals(100L, ByteSize.parse("100"));
        assertEquals(100L, ByteSize.parse("100b"));
        assertEquals(2048L, ByteSize.parse("2k"));
        assertEquals(64L * 1024 * 1024, ByteSize.parse("64m"));
        assertEquals(64L * 1024 * 1024, ByteSize.parse("64M"));
        assertEquals(64L * 1024 * 1024, ByteSize.parse("64MiB"));
        assertEquals(1024L * 1024 * 1024, ByteSize.parse("1g"));
        assertEquals(1536L, ByteSize.parse("1.5k"));
    }

    @Test
    void invalidSizesAreRejectedWithDockersWording() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("lots"));
        assertEquals("invalid size: 'lots'", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-5m"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("5x"));
    }

    @Test
    void cpusBecomeNanoCpus() {
        assertEquals(500_000_000L, CpuCount.parseNanoCpus("0.5"));
        assertEquals(2_000_000_000L, CpuCount.parseNanoCpus("2"));
        assertEquals("failed to parse abc as a rational number",
                assertThrows(IllegalArgumentException.class, () -> CpuCount.parseNanoCpus("abc")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuCount.parseNanoCpus("0.0000000001"));
    }

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

    @Test
    void imageReferencesSplitTagsButNotRegistryPorts() {
        assertEquals(new ImageReference("busybox", "1.36"), ImageReference.parse("busybox:1.36"));
        assertEquals(new ImageReference("localhost:5000/app", null), ImageReference.parse("localhost:5000/app"));
        assertEquals("busybox:latest", ImageReference.withDefaultTag("busybox"));
        assertEquals("busybox:1.36", ImageReference.withDefaultTag("busybox:1.36"));
    }

    @Test
    void filtersBecomeDockersFilterJson() {
        assertEquals("{\"status\":{\"exited\":true,\"created\":true}}",
                FilterArguments.toJson(List.of("status=exited", "status=created")));
        assertNull(FilterArguments.toJson(List.of()));
        assertThrows(CliException.class, () -> FilterArguments.toJson(List.of("noequals")));
    }
}
