package dev.tally.rest;

import dev.tally.domain.container.AttachStream;
import java.io.ByteArrayOutputStream;

/**
 * Stdin from an attached client to the container. The docker CLI sends its input, and may end it,
 * before the container has started; until the container's stream is connected, input is kept,
 * then handed over in order, and the end of input follows it.
 */
final class StdinRelay {

    private final ByteArrayOutputStream early = new ByteArrayOutputStream();
    private AttachStream stream;
    private boolean ended;
    private boolean closed;

    synchronized void write(byte[] bytes) {
        if (stream != null) {
            stream.write(bytes);
        } else if (!closed) {
            early.write(bytes, 0, bytes.length);
        }
    }

    synchronized void end() {
        ended = true;
        if (stream != null) {
            stream.closeStdin();
        }
    }

    synchronized void connect(AttachStream connected) {
        stream = connected;
        if (early.size() > 0) {
            connected.write(early.toByteArray());
            early.reset();
        }
        if (ended) {
            connected.closeStdin();
        }
    }

    synchronized void close() {
        closed = true;
        if (stream != null) {
            stream.close();
        }
    }
}
