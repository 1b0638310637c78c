package dev.tally.rest;

import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.LogCursor;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sends a container's log as it grows, for attach and {@code logs -f}: polls the file, and once the
 * container is over reads what is left and ends. The end comes only after every line the log holds
 * was handed to {@code out} (in batches: what one read found). Everything it sends and the end run on the Vert.x context that started
 * it, in the log's order; reads run on that context's worker, and once on the thread that reports
 * the container's end (before an auto-remove can delete the log). Nothing more is read while the
 * client has not taken what was sent ({@code full}): a client that reads nothing holds one chunk of
 * the log in the daemon, not the whole log.
 */
final class LogFollower {

    private static final long POLL_MS = 15;

    private final Vertx vertx;
    private final ContainerQueries containers;
    private final String id;
    private final LogRelay relay;
    private final Predicate<LogCursor.Line> filter;
    private final Consumer<List<LogCursor.Line>> out;
    private final Runnable end;
    private final BooleanSupplier full;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private Context context;
    private AutoCloseable subscription;
    private long timer = -1;
    private boolean polling;

    LogFollower(Vertx vertx, ContainerQueries containers, String id, LogCursor cursor,
                Predicate<LogCursor.Line> filter, Consumer<List<LogCursor.Line>> out, BooleanSupplier full, Runnable end) {
        this.vertx = vertx;
        this.containers = containers;
        this.id = id;
        this.relay = new LogRelay(cursor);
        this.filter = filter;
        this.out = out;
        this.end = end;
        this.full = full;
    }

    /**
     * Starts following; call on the event loop of the connection it writes to.
     *
     * @param seen what the container was when the request came: attach follows until the container
     *             ends after that (a container not started yet is waited for); {@code logs -f}
     *             follows while it runs
     */
    void start(ContainerView seen, boolean untilExit) {
        context = vertx.getOrCreateContext();
        subscription = containers.subscribe(v -> {
            if (v.id().equals(id) && isOver(v)) {
                containerOver();
            }
        });
        // The end may have come between the request's look-up and the subscription.
        boolean over = containers.find(id)
                .map(now -> untilExit ? isOver(now) && !sameEnd(seen, now) : now.status() != ContainerStatus.RUNNING)
                .orElse(true);
        if (over) {
            containerOver();
        } else {
            timer = vertx.setPeriodic(POLL_MS, t -> poll());
        }
    }

    private static boolean isOver(ContainerView v) {
        return v.status() == ContainerStatus.EXITED || v.status() == ContainerStatus.REMOVED
                || (v.status() == ContainerStatus.CREATED && v.error() != null && !v.error().isEmpty());
    }

    /** The same end as before the request: {@code start -a} of an exited container waits for the next. */
    private static boolean sameEnd(ContainerView before, ContainerView now) {
        return before.status() == now.status() && Objects.equals(before.finishedAt(), now.finishedAt())
                && Objects.equals(before.error(), now.error());
    }

    private void poll() {
        if (polling || full.getAsBoolean()) {
            // the last read is still under way (reads do not pile up behind a slow disk), or the client
            // has not taken what was sent (what it has not read is not read for it)
            return;
        }
        polling = true;
        context.executeBlocking(relay::read, true).onComplete(ar -> {
            polling = false;
            send();
            if (ar.failed()) {
                DaemonLog.line("reading the log of " + id + " failed: " + ar.cause().getMessage());
                finish();
            }
        });
    }

    /** Called on whatever thread reports the end, before the container's log may be removed. */
    private void containerOver() {
        if (relay.over()) {
            context.runOnContext(x -> {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                    timer = -1;
                }
                drainThenEnd();
            });
        }
    }

    /** Reads chunk after chunk (after any poll already queued) until the log has no more, then ends. */
    private void drainThenEnd() {
        if (stopped.get()) {
            return;
        }
        if (full.getAsBoolean()) {
            vertx.setTimer(POLL_MS, t -> drainThenEnd());
            return;
        }
        context.executeBlocking(relay::read, true).onComplete(ar -> {
            send();
            if (ar.succeeded() && ar.result()) {
                drainThenEnd();
            } else {
                if (ar.failed()) {
                    DaemonLog.line("reading the log of " + id + " failed: " + ar.cause().getMessage());
                }
                finish();
            }
        });
    }

    /** Hands out what was read, as one batch: one write for many small lines. */
    private void send() {
        if (stopped.get()) {
            return;
        }
        List<LogCursor.Line> batch = relay.take().stream().filter(filter).toList();
        if (!batch.isEmpty()) {
            out.accept(batch);
        }
    }

    private void finish() {
        if (stop()) {
            end.run();
        }
    }

    /**
     * Stops following (the reader went away, or the end was sent).
     *
     * @return true for the call that stopped it
     */
    boolean stop() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception ignored) {
            // removing a listener from a set: nothing can fail here
        }
        relay.close();
        return true;
    }
}
