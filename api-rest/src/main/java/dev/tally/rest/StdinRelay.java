package dev.tally.rest;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Stdin from a hijacked client to a container or an exec. The client's bytes arrive on the event
 * loop, which must never wait for a process that reads slowly or has not started (the docker CLI
 * sends its whole input, and ends it, before the container starts): they are queued here and
 * written, then the end, in the order they came, by a thread of the relay's own once the sink is
 * connected. Queued input is bounded: past {@link #HIGH_WATER} bytes the client is no longer read
 * until the writer has taken the queue down to {@link #LOW_WATER}.
 */
final class StdinRelay {

    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = HIGH_WATER / 4;

    /** Where the input goes; its calls come from the relay's writer thread, one at a time, and may block. */
    interface Sink {
        void write(byte[] bytes) throws IOException;

        /** No more input: the client ended it, or went away. */
        void end() throws IOException;
    }

    /** Stops and resumes reading the client's connection; called with the relay's lock held, so it must not block. */
    interface Reading {
        void set(boolean on);
    }

    private final Reading reading;
    private final String name;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queued;
    private boolean paused;
    private boolean ended;
    private boolean closed;
    private boolean connected;

    StdinRelay(Reading reading, String name) {
        this.reading = reading;
        this.name = name;
    }

    /** The client's next bytes; never blocks. Ignored after its end or its close. */
    synchronized void write(byte[] bytes) {
        if (ended || closed || bytes.length == 0) {
            return;
        }
        queue.add(bytes);
        queued += bytes.length;
        if (!paused && queued >= HIGH_WATER) {
            paused = true;
            reading.set(false);
        }
        notifyAll();
    }

    /** The client ended its input: the sink ends once it has everything written before. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The client went away: what is queued is dropped, and the sink is ended when the writer is free. */
    synchronized void close() {
        closed = true;
        queue.clear();
        queued = 0;
        notifyAll();
    }

    /** Starts writing to {@code sink} what came and what comes; never blocks. At most once. */
    void connect(Sink sink) {
        synchronized (this) {
            if (connected) {
                throw new IllegalStateException("stdin already connected");
            }
            connected = true;
        }
        Thread writer = new Thread(() -> pump(sink), name);
        writer.setDaemon(true);
        writer.start();
    }

    private void pump(Sink sink) {
        try {
            byte[] next;
            while ((next = take()) != null) {
                sink.write(next);
            }
        } catch (IOException | RuntimeException e) {
            // the process no longer takes input; the client learns how it ended from its output and exit
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.end();
        } catch (IOException | RuntimeException ignored) {
            // already ended by the process or the runtime
        }
    }

    /** The next bytes to write, waiting for them; null at the end of input or when the client is gone. */
    private synchronized byte[] take() throws InterruptedException {
        while (queue.isEmpty() && !ended && !closed) {
            wait();
        }
        byte[] next = queue.poll();
        if (next == null) {
            return null;
        }
        queued -= next.length;
        if (paused && queued <= LOW_WATER) {
            paused = false;
            reading.set(true);
        }
        return next;
    }
}
