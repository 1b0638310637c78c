package dev.tally.ops;

import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.ExitWaits;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a run's end by watching the containers' read model, which changes as each event is committed.
 * A wait holds no thread: a subscription and a timer (one thread keeps them all, and never blocks).
 * What follows a wait runs on a thread of {@code steps}, never on the thread that committed the exit.
 */
final class ReadModelExitWaits implements ExitWaits {

    private final ContainerQueries containers;
    private final ScheduledThreadPoolExecutor timers;
    private final Executor steps;

    ReadModelExitWaits(ContainerQueries containers, Executor steps) {
        this.containers = containers;
        this.steps = steps;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tally-exit-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    @Override
    public CompletionStage<Boolean> exitOf(String containerId, long pid, Duration timeout) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        AutoCloseable sub = containers.subscribe(v -> {
            if (v.id().equals(containerId) && ended(v, pid)) {
                done.complete(true);
            }
        });
        try {
            if (containers.find(containerId).map(v -> ended(v, pid)).orElse(true)) {
                done.complete(true);
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        ScheduledFuture<?> timer = done.isDone() ? null
                : timers.schedule(() -> done.complete(false), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return done.whenCompleteAsync((exited, failure) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            try {
                sub.close();
            } catch (Exception ignored) {
                // a listener's removal from a list
            }
        }, steps);
    }

    /** Whether the run of process {@code pid} (0: whichever runs) is over as the view has it. */
    private static boolean ended(ContainerView v, long pid) {
        return v.status() != ContainerStatus.RUNNING || pid != 0 && v.pid() != pid;
    }
}
