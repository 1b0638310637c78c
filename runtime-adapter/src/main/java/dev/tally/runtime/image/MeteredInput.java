package dev.tally.runtime.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * A stream that digests (when {@code sha} is not null) and counts what is read through it, copies it
 * to {@code copy} (when not null), and lets a {@link Budget} stop it. Closing it does not close the stream it reads: the
 * caller owns that one and may still drain it.
 */
final class MeteredInput extends FilterInputStream {

    /** Decides, as bytes pass, whether reading may go on; throws to stop it. */
    interface Budget {
        void check(long total) throws IOException;

        Budget NONE = total -> { };
    }

    private final MessageDigest sha;
    private final OutputStream copy;
    private final Budget budget;
    private long count;

    MeteredInput(InputStream in, MessageDigest sha, OutputStream copy, Budget budget) {
        super(in);
        this.sha = sha;
        this.copy = copy;
        this.budget = budget;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            if (sha != null) {
                sha.update((byte) b);
            }
            count++;
            budget.check(count);
            if (copy != null) {
                copy.write(b);
            }
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            if (sha != null) {
                sha.update(buf, off, n);
            }
            count += n;
            budget.check(count);
            if (copy != null) {
                copy.write(buf, off, n);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 65536)];
        int read = read(buf, 0, buf.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // the caller's stream stays open
    }

    /** Reads what is left, so that the digest and the count cover the whole stream. */
    void drain() throws IOException {
        byte[] buf = new byte[65536];
        while (read(buf, 0, buf.length) >= 0) {
            // digested as read
        }
    }

    long count() {
        return count;
    }

    /** The digest, or null when none was asked for. */
    MessageDigest digest() {
        return sha;
    }
}
