package dev.tally.domain.container;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Port: waits until the log records that a container no longer runs (an exit, a failed start, or its
 * removal). Implemented outside the domain.
 */
public interface ExitWaits {

    /**
     * Blocks the caller's thread: true at once for a container that is not running (or not known);
     * else true once its exit is recorded, false when {@code timeout} passed first or the caller was
     * interrupted (its interrupt flag set again). FAILED when the log cannot be watched.
     */
    boolean awaitExit(String containerId, Duration timeout);

    /**
     * As {@link #awaitExit}, without holding the caller's thread: the stage completes with true or
     * false, on a thread of the implementation's own where what follows may briefly block (never the
     * thread that records events). This default blocks the caller and completes at once.
     */
    default CompletionStage<Boolean> exitOf(String containerId, Duration timeout) {
        return CompletableFuture.completedFuture(awaitExit(containerId, timeout));
    }
}
