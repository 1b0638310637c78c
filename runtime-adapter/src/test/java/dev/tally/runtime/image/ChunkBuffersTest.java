package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ChunkBuffersTest {

    @Test
    void aLayerThatEndsHandsItsBuffersToTheNextWhileAnotherIsWrittenAndNoneAreKeptOnceAllEnded() {
        ChunkBuffers buffers = new ChunkBuffers(16);
        byte[][] first = buffers.take(2);
        byte[][] second = buffers.take(2);
        assertEquals(16, first[0].length);

        buffers.back(first);
        assertEquals(2, buffers.idle());
        byte[][] third = buffers.take(2);
        assertSame(first[1], third[0]);
        assertSame(first[0], third[1]);
        assertEquals(0, buffers.idle());

        buffers.back(second);
        buffers.back(third);
        assertEquals(0, buffers.idle(), "nothing is kept once no layer is being written");
        assertEquals(2, buffers.take(2).length);
    }
}
