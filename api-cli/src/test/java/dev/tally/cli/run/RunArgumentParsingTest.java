package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RunArgumentParsingTest {

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
    void imageReferencesSplitTagsButNotRegistryPorts() {
        assertEquals(new ImageReference("busybox", "1.36"), ImageReference.parse("busybox:1.36"));
        assertEquals(new ImageReference("localhost:5000/app", null), ImageReference.parse("localhost:5000/app"));
        assertEquals("busybox:latest", ImageReference.withDefaultTag("busybox"));
        assertEquals("busybox:1.36", ImageReference.withDefaultTag("busybox:1.36"));
    }
}
