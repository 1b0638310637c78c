package dev.tally.domain.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts the bytes read through it and tells {@code seen} at most every 512 KiB and every 100 ms, as
 * Docker's progress does: a progress message costs a JSON object, a write on the client's connection
 * and a redraw on its side, and a fast layer read at every 512 KiB made some 200 of them for 100 MiB.
 */
final class CountingStream extends FilterInputStream {

    private static final long EVERY = 512 << 10;
    static final long EVERY_NANOS = 100_000_000L;

    private final LongConsumer seen;
    private final java.util.function.LongSupplier clock;
    private long count;
    private long told;
    private long toldAt;

    CountingStream(InputStream in, LongConsumer seen) {
        this(in, seen, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    CountingStream(InputStream in, LongConsumer seen, java.util.function.LongSupplier clock) {
        super(in);
        this.seen = seen;
        this.clock = clock;
        this.toldAt = clock.getAsLong();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    private void advance(long n) {
        count += n;
        if (count - told >= EVERY) {
            long now = clock.getAsLong();
            if (now - toldAt >= EVERY_NANOS) {
                told = count;
                toldAt = now;
                seen.accept(count);
            }
        }
    }
}
