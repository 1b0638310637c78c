package dev.tally.domain.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Counts the bytes read through it and tells {@code seen} at most every 512 KiB, and at the end. */
final class CountingStream extends FilterInputStream {

    private static final long EVERY = 512 << 10;

    private final LongConsumer seen;
    private long count;
    private long told;

    CountingStream(InputStream in, LongConsumer seen) {
        super(in);
        this.seen = seen;
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
            told = count;
            seen.accept(count);
        }
    }
}
