package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The blob streams one pull has open on its workers, and its first failure. The first failure stops
 * the group: it closes every stream still open (their readers fail at their next read, and each
 * deletes what it wrote), and a stream opened afterwards is closed at once. So one bad layer ends the
 * pull as soon as the others have let go, rather than after they downloaded the whole image, and the
 * pull tells that first failure, not what the stop made of the others.
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
        InputStream in = opening.get();
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
            throw new DomainException(DomainException.Kind.FAILED, what + ": not fetched, another layer of the pull "
                    + "failed");
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // its reader fails anyway, and the pull tells the first failure
        }
    }
}
