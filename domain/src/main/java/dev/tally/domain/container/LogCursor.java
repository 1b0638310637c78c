package dev.tally.domain.container;

import java.time.Instant;
import java.util.List;

/** Reads a container's log forward; each call returns what was appended since the last one. */
public interface LogCursor extends AutoCloseable {

    List<Line> next();

    @Override
    void close();

    /** One record of output: its stream (1 stdout, 2 stderr), time, and bytes as written. */
    record Line(int stream, Instant time, byte[] bytes) {
    }
}
