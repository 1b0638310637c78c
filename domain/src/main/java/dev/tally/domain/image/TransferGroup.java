package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The blob streams one pull or push has open on its workers, and its first failure. The first
 * failure stops the group: it closes every stream still open (their readers fail at their next read,
 * each deleting what it wrote or abandoning its upload), and a stream opened afterwards is closed at
 * once. So one bad blob ends the transfer as soon as the others have let go, rather than after they
 * moved the whole image, and the transfer tells that first failure, not what the stop made of the
 * others. A stream of the group fails every read once closed, whatever it wraps (a stored blob's
 * stream that an upload reads goes on reading after its own close).
 */
final class TransferGroup {

    private final Set<InputStream> open = ConcurrentHashMap.newKeySet();
    private volatile RuntimeException failure;

    /** Whether a failure stopped the group. */
    boolean stopped() {
        return failure != null;
    }

    /** The first failure, or null. */
    RuntimeException failure() {
        return failure;
    }

    /**
     * A stream of the group: {@code opening}'s, closed by {@link #fail}. FAILED when the group stopped
     * before or while it was opened (the stream is closed then).
     */
    InputStream open(Supplier<InputStream> opening, String what) {
        checkGoing(what);
        InputStream in = new Stoppable(opening.get());
        open.add(in);
        if (stopped()) {
            release(in);
            closeQuietly(in);
            checkGoing(what);
        }
        return in;
    }

    /** Forgets a stream its worker is done with (the worker closes it). */
    void release(InputStream in) {
        open.remove(in);
    }

    /**
     * Records a worker's failure; the first one stops the group and closes its open streams. Returns
     * whether it was the first.
     */
    boolean fail(RuntimeException e) {
        synchronized (this) {
            if (failure != null) {
                return false;
            }
            failure = e;
        }
        for (InputStream in : open) {
            closeQuietly(in);
        }
        return true;
    }

    private void checkGoing(String what) {
        if (stopped()) {
            throw new DomainException(DomainException.Kind.FAILED, what + ": not transferred, another blob of the "
                    + "image failed");
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // its reader fails anyway, and the pull tells the first failure
        }
    }

    /** A stream whose reads fail once it was closed (from any thread). */
    private static final class Stoppable extends java.io.FilterInputStream {
        private volatile boolean closed;

        Stoppable(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            checkOpen();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkOpen();
            return in.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            checkOpen();
            return in.skip(n);
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException("stopped: another blob of the image failed");
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            in.close();
        }
    }
}
