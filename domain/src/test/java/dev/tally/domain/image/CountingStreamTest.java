package dev.tally.domain.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountingStreamTest {

    private final List<Long> told = new ArrayList<>();
    private long now;

    private void readAll(InputStream in, int chunk, long nanosPerRead) throws IOException {
        byte[] b = new byte[chunk];
        while (in.read(b, 0, b.length) >= 0) {
            now += nanosPerRead;
        }
    }

    @Test
    void aFastStreamIsToldEvery100MsNotEvery512KiB() throws IOException {
        // 10 MiB in 256 KiB reads, one every 10 ms: the 11th at 100 ms, the 21st at 200 ms…
        readAll(new CountingStream(new ByteArrayInputStream(new byte[10 << 20]), told::add, () -> now), 256 << 10,
                10_000_000L);
        assertEquals(List.of(11L << 18, 21L << 18, 31L << 18), told);
    }

    @Test
    void aSlowStreamIsToldEvery512KiB() throws IOException {
        // 2 MiB in 64 KiB reads, 50 ms each
        readAll(new CountingStream(new ByteArrayInputStream(new byte[2 << 20]), told::add, () -> now), 64 << 10,
                50_000_000L);
        assertEquals(List.of(524288L, 1048576L, 1572864L, 2097152L), told);
    }
}
