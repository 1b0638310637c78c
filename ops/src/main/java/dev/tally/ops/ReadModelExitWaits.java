package dev.tally.ops;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.ExitWaits;
import dev.tally.domain.container.query.ContainerQueries;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Waits for an exit by watching the containers' read model, which changes as each event is committed.
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
    public boolean awaitExit(String containerId, Duration timeout) {
        try {
            return exitOf(containerId, timeout).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new DomainException(DomainException.Kind.FAILED, "waiting for container " + containerId + " to exit",
                    e.getCause());
        }
    }

    @Override
    public CompletionStage<Boolean> exitOf(String containerId, Duration timeout) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        AutoCloseable sub = containers.subscribe(v -> {
            if (v.id().equals(containerId) && v.status() != ContainerStatus.RUNNING) {
                done.complete(true);
            }
        });
        try {
            if (containers.find(containerId).map(v -> v.status() != ContainerStatus.RUNNING).orElse(true)) {
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
}
