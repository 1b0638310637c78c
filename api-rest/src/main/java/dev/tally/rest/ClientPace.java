package dev.tally.rest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Output to one client at the client's pace: what is written through it and not yet taken by the
 * connection is counted, in bytes, and whoever produces the output (a thread copying a process's
 * output, a follower reading a log) waits while {@link #UNSENT_AT_MOST} or more is waiting. A client
 * that reads nothing then holds the process, as a full pipe would, or leaves the log unread, instead
 * of the daemon keeping everything for it until its memory runs out. (Vert.x's own
 * {@code writeQueueFull} counts writes, not bytes: sixteen 1 MiB chunks of a log passed it.)
 */
final class ClientPace {

    /** At most this much written and not taken by the connection before the producer waits (plus the write that passed it). */
    static final long UNSENT_AT_MOST = 256 * 1024;
    /** How often a waiting thread looks again, whatever woke it or not (the client may have gone). */
    private static final long LOOK_AGAIN_MS = 500;

    private final WriteStream<Buffer> out;
    private final AtomicLong unsent = new AtomicLong();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    ClientPace(WriteStream<Buffer> out) {
        this.out = out;
    }

    /** Writes {@code bytes} to the client, counted until the connection took them (or failed to). */
    void write(Buffer bytes) {
        long n = bytes.length();
        unsent.addAndGet(n);
        out.write(bytes).onComplete(x -> {
            unsent.addAndGet(-n);
            if (!full()) {
                Runnable next;
                while ((next = waiting.poll()) != null) {
                    next.run();
                }
            }
        });
    }

    /** Whether the producer should wait: the client has not taken what was written. */
    boolean full() {
        return unsent.get() >= UNSENT_AT_MOST;
    }

    /** Runs {@code next} once the client took enough (at once if it has), on the connection's thread or this one. */
    void whenRoom(Runnable next) {
        waiting.add(next);
        if (!full() && waiting.remove(next)) {
            next.run();
        }
    }

    /**
     * Waits until the client took enough; for threads that may block, never an event loop.
     *
     * @param gone whether the client went away
     * @return true to write, false once the client is gone (what is produced then goes nowhere)
     */
    boolean awaitRoom(BooleanSupplier gone) {
        while (!gone.getAsBoolean() && full()) {
            CompletableFuture<Void> room = new CompletableFuture<>();
            Runnable wake = () -> room.complete(null);
            whenRoom(wake);
            try {
                room.get(LOOK_AGAIN_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                waiting.remove(wake);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                return false;
            }
        }
        return !gone.getAsBoolean();
    }
}
