package dev.tally.domain.container;

import java.time.Duration;

/**
 * Port: waits until the log records that a container no longer runs (an exit, a failed start, or its
 * removal). Implemented outside the domain: it blocks the caller's thread.
 */
public interface ExitWaits {

    /**
     * True at once for a container that is not running (or not known); else true once its exit is
     * recorded, false when {@code timeout} passed first or the caller was interrupted (its interrupt
     * flag set again). FAILED when the log cannot be watched.
     */
    boolean awaitExit(String containerId, Duration timeout);
}
