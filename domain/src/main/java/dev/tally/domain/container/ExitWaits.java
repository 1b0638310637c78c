package dev.tally.domain.container;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Port: waits until the log records that one run of a container ended (an exit, a failed start, or
 * the container's removal). Implemented outside the domain.
 */
public interface ExitWaits {

    /**
     * Starts waiting for the end of the run whose process is {@code pid} (the pid its
     * {@code ContainerStarted} recorded), without holding the caller's thread. The stage completes with
     * true once the log has that run ended: at once when the container is not running, not known, or
     * runs another process (a later run: that one is not waited for); with false when {@code timeout}
     * passed first. It completes on a thread of the implementation's own where what follows may briefly
     * block (never the thread that records events), exceptionally (FAILED) when the log cannot be watched.
     * <p>
     * Call it before the signal meant to end the run: an exit recorded between a signal and a wait
     * started after it, followed by a start, would make that wait the next run's.
     */
    CompletionStage<Boolean> exitOf(String containerId, long pid, Duration timeout);
}
