package dev.tally.rest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The requests' work under way (on the worker pool, and the waits it hands on, such as a stop's),
 * and the gate that lets the daemon stop in order: once {@link #close}d, no new work is taken
 * (answered 503, nothing run), and the stage it returns completes when the work under way has
 * ended, so that the store is closed after it, never under it.
 */
final class WorkInFlight {

    static final String KEY = "tally.workInFlight";

    private int running;
    private boolean closed;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    /** Counts one more piece of work; false, counting nothing, once closed. */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        running++;
        return true;
    }

    /**
     * Counts the wait that work under way (counted, so not yet drained) hands on, even once closed:
     * it ends when {@code stage} completes.
     */
    synchronized void holdUntil(CompletionStage<?> stage) {
        running++;
        stage.whenComplete((x, e) -> exit());
    }

    /** Ends one piece of work counted by {@link #enter} or {@link #holdUntil}. */
    synchronized void exit() {
        running--;
        if (closed && running == 0) {
            drained.complete(null);
        }
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized int running() {
        return running;
    }

    /** Takes no new work from now on; completes once the work under way has ended. Idempotent. */
    synchronized CompletionStage<Void> close() {
        closed = true;
        if (running == 0) {
            drained.complete(null);
        }
        return drained;
    }

    /** Why a request is not run once closed (503, and its connection closed). */
    static RuntimeException stopping() {
        return OverLimit.unavailable("tallyd is stopping: the request was not run; send it again once the daemon is back");
    }
}
