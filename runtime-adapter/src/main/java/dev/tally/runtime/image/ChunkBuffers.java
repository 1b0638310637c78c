package dev.tally.runtime.image;

import java.util.ArrayDeque;

/**
 * The buffers of the {@link ChunkPipe}s of layers being written, handed from a layer that ended to
 * the next one, and let go once no layer is being written. A pull of ten layers allocated 2 MiB per
 * layer that lived as long as its layer, which the young collections copied again and again; now the
 * first layers' buffers serve the rest, and nothing is kept between pulls.
 */
final class ChunkBuffers {

    private final int size;
    private final ArrayDeque<byte[]> idle = new ArrayDeque<>();
    private int users;

    /** @param size the bytes of each buffer */
    ChunkBuffers(int size) {
        this.size = size;
    }

    /** {@code count} buffers for one pipe: idle ones first, new ones for the rest. Give them {@link #back}. */
    synchronized byte[][] take(int count) {
        users++;
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            byte[] b = idle.poll();
            out[i] = b != null ? b : new byte[size];
        }
        return out;
    }

    /** A pipe's buffers, which no thread uses any more; kept for the next pipe while another is in use. */
    synchronized void back(byte[][] buffers) {
        users--;
        if (users == 0) {
            idle.clear();
            return;
        }
        for (byte[] b : buffers) {
            idle.push(b);
        }
    }

    /** How many buffers wait for a next pipe (for tests). */
    synchronized int idle() {
        return idle.size();
    }
}
