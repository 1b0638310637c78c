package dev.tally.runtime.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A bounded hand-over of bytes from one writing thread to one reading thread, in a few large
 * buffers that go round: the writer fills a buffer ({@link #buffer}), hands it over ({@link #send}),
 * and waits when all of them are with the reader. So a layer's download and its unpacking run on two
 * cores at once, with at most {@code count * size} bytes between them.
 *
 * <p>Either side may stop the other: the writer's {@link #fail} makes the reader's next read throw,
 * the reader's {@link InputStream#close} makes the writer's next {@link #buffer} throw {@link
 * ReaderGone}. A stop wakes a side that waits.
 */
final class ChunkPipe {

    /** The writer's calls after the reader closed its side: nobody will read what it sends. */
    static final class ReaderGone extends IOException {
        ReaderGone() {
            super("the reading side of the pipe is closed");
        }
    }

    private record Chunk(byte[] bytes, int length) {
    }

    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final ArrayDeque<Chunk> full = new ArrayDeque<>();
    private final Input input = new Input();
    private boolean ended;
    private Throwable failed;
    private boolean readerGone;

    ChunkPipe(int count, int size) {
        this(new ChunkBuffers(size).take(count));
    }

    /** A pipe going round these buffers (all of one size), which stay the caller's. */
    ChunkPipe(byte[][] buffers) {
        for (byte[] b : buffers) {
            free.add(b);
        }
    }

    /** The writer's next empty buffer, once the reader has given one back. */
    synchronized byte[] buffer() throws IOException {
        while (free.isEmpty() && !readerGone) {
            await();
        }
        if (readerGone) {
            throw new ReaderGone();
        }
        return free.poll();
    }

    /** Hands the first {@code length} bytes of a buffer from {@link #buffer} to the reader; the writer lets go of it. */
    synchronized void send(byte[] buffer, int length) throws IOException {
        if (readerGone) {
            throw new ReaderGone();
        }
        full.add(new Chunk(buffer, length));
        notifyAll();
    }

    /** No more bytes: the reader reads to the end of what was sent, then -1. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The writer broke off: the reader's next read throws an IOException with {@code why} as its cause. */
    synchronized void fail(Throwable why) {
        failed = why;
        notifyAll();
    }

    /** The reading side; closing it tells the writer to stop. */
    InputStream input() {
        return input;
    }

    private void await() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while a layer was being unpacked");
        }
    }

    /** The next chunk for the reader (its previous one given back), or null at the end. */
    private synchronized Chunk next(Chunk done) throws IOException {
        if (done != null) {
            free.add(done.bytes());
            notifyAll();
        }
        while (full.isEmpty() && !ended && failed == null && !readerGone) {
            await();
        }
        if (readerGone) {
            throw new IOException("the pipe is closed");
        }
        if (failed != null) {
            throw new IOException("the layer's download broke off: " + failed.getMessage(), failed);
        }
        return full.poll();
    }

    private synchronized void closeReader() {
        readerGone = true;
        notifyAll();
    }

    private final class Input extends InputStream {
        private Chunk current;
        private int position;
        private boolean atEnd;

        /** Makes {@link #current} a chunk with bytes left, waiting for one; false at the end. */
        private boolean ready() throws IOException {
            while (!atEnd && (current == null || position == current.length())) {
                current = next(current);
                position = 0;
                atEnd = current == null;
            }
            return !atEnd;
        }

        @Override
        public int read() throws IOException {
            return ready() ? current.bytes()[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!ready()) {
                return -1;
            }
            int n = Math.min(len, current.length() - position);
            System.arraycopy(current.bytes(), position, b, off, n);
            position += n;
            return n;
        }

        /**
         * The bytes of the current chunk, after waiting for one if none is at hand: 0 only at the end.
         * GZIPInputStream asks this after a member's trailer to know whether another member follows.
         */
        @Override
        public int available() throws IOException {
            return ready() ? current.length() - position : 0;
        }

        @Override
        public void close() {
            closeReader();
        }
    }
}
