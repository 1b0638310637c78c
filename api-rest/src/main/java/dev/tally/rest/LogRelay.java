package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.LogCursor;
import java.util.ArrayList;
import java.util.List;

/**
 * What a follower has read from a container's log and not yet sent, in the log's order. Reads
 * come from several threads (the periodic poll, and the thread that reports the container's end,
 * which must read before an auto-remove deletes the log); the sender takes everything read so far
 * in one go. So a chunk read by a poll is sent even when the end was reported before that poll's
 * result reached the sender, and nothing is sent twice or out of order.
 */
final class LogRelay {

    private final LogCursor cursor;
    private final List<LogCursor.Line> unsent = new ArrayList<>();
    private boolean over;
    private boolean closed;

    LogRelay(LogCursor cursor) {
        this.cursor = cursor;
    }

    /**
     * Reads one bounded chunk of what the log has now and keeps it for sending.
     *
     * @return whether anything was read (false once closed)
     */
    synchronized boolean read() {
        if (closed) {
            return false;
        }
        List<LogCursor.Line> lines = cursor.next();
        unsent.addAll(lines);
        return !lines.isEmpty();
    }

    /**
     * The container will write no more. Reads a first chunk at once, which opens the log file if
     * it was not open yet: from then on the log can be deleted without losing what it holds.
     *
     * @return true the first time only: the caller then reads the rest with {@link #read()}
     */
    synchronized boolean over() {
        if (over || closed) {
            return false;
        }
        over = true;
        try {
            read();
        } catch (DomainException e) {
            // the rest is read again by the caller, which reports a failure there
        }
        return true;
    }

    /** Everything read and not yet taken, oldest first; nothing once closed. */
    synchronized List<LogCursor.Line> take() {
        if (closed || unsent.isEmpty()) {
            return List.of();
        }
        List<LogCursor.Line> out = new ArrayList<>(unsent);
        unsent.clear();
        return out;
    }

    /** No more reads; what was not taken is dropped (the reader went away). */
    synchronized void close() {
        closed = true;
        unsent.clear();
        cursor.close();
    }
}
