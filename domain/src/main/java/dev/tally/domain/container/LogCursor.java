package dev.tally.domain.container;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads a container's log forward; each call returns what was appended since the last one, in
 * bounded chunks. A log that the runtime starts afresh (at its size cap) is followed into the new
 * file once the old one has been read to its end: nothing is lost or read twice.
 */
public interface LogCursor extends AutoCloseable {

    /** What was appended since the last call (whole records only), at most a bounded chunk; empty when nothing new. */
    List<Line> next();

    /**
     * The last {@code n} records of the log that {@code wanted} accepts, oldest first, read from a cursor
     * that has read nothing yet; the cursor then continues after the last whole record of the log.
     * Holds no more than those {@code n} records and a chunk in memory. This default reads the log
     * forward; a runtime that can read its file from the end does so.
     */
    default List<Line> tail(int n, Predicate<Line> wanted) {
        Deque<Line> kept = new ArrayDeque<>();
        for (List<Line> chunk = next(); !chunk.isEmpty(); chunk = next()) {
            for (Line line : chunk) {
                if (n > 0 && wanted.test(line)) {
                    kept.addLast(line);
                    if (kept.size() > n) {
                        kept.removeFirst();
                    }
                }
            }
        }
        return new ArrayList<>(kept);
    }

    /** Moves past everything the log holds now: what {@link #next} returns from then on is new output. */
    default void skipToEnd() {
        while (!next().isEmpty()) {
            // older output is not read
        }
    }

    @Override
    void close();

    /** One record of output: its stream (1 stdout, 2 stderr), time, and bytes as written. */
    record Line(int stream, Instant time, byte[] bytes) {
    }
}
