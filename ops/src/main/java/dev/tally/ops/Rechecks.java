package dev.tally.ops;

import dev.tally.domain.container.HostReconciliation;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the host again, every {@link #EVERY}, about the containers the start-up reconciler could not
 * decide (the host could not answer), until each is decided or {@link #TRIES} asks have passed; those
 * left then keep their state in the log (and their recorded ContainerRecoveryFailed) until the next start.
 */
final class Rechecks {

    static final Duration EVERY = Duration.ofSeconds(10);
    static final int TRIES = 60;

    private Rechecks() {
    }

    /** Starts rechecking {@code undecided} on a thread of its own, which ends once there is nothing left. */
    static void schedule(HostReconciliation reconciliation, Set<String> undecided) {
        if (undecided.isEmpty()) {
            return;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-recheck");
            t.setDaemon(true);
            return t;
        });
        next(timer, reconciliation, undecided, 1);
    }

    private static void next(ScheduledExecutorService timer, HostReconciliation reconciliation, Set<String> left,
                             int attempt) {
        timer.schedule(() -> {
            Set<String> still = reconciliation.recheck(left);
            if (still.isEmpty()) {
                timer.shutdown();
            } else if (attempt >= TRIES) {
                System.err.println("tallyd: the host could not be asked about containers " + still + " in "
                        + TRIES + " tries; their state in the log stays as it was until the next start");
                timer.shutdown();
            } else {
                next(timer, reconciliation, still, attempt + 1);
            }
        }, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
}
