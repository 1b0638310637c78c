package dev.tally.rest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A response body written from a worker thread as a blocking stream: chunks of 64 KiB, and the
 * writer waits while the response's queue is full (a slow client holds back the writer, not the
 * daemon's memory). A client gone, or one that reads nothing for 5 minutes, fails the write.
 */
final class ResponseOutput extends OutputStream {

    private static final int CHUNK = 64 * 1024;
    private static final long STALL_MINUTES = 5;

    private final HttpServerResponse response;
    private final byte[] buf = new byte[CHUNK];
    private int filled;
    private volatile boolean gone;

    ResponseOutput(HttpServerResponse response) {
        this.response = response;
        response.closeHandler(x -> gone = true);
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == CHUNK) {
            flushChunk();
        }
        buf[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == CHUNK) {
                flushChunk();
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, buf, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        flushChunk();
    }

    private void flushChunk() throws IOException {
        if (filled == 0) {
            return;
        }
        if (gone || response.closed()) {
            throw new IOException("the client closed the connection");
        }
        if (response.writeQueueFull()) {
            CompletableFuture<Void> drained = new CompletableFuture<>();
            response.drainHandler(x -> drained.complete(null));
            response.closeHandler(x -> {
                gone = true;
                drained.complete(null);
            });
            if (response.writeQueueFull()) {
                try {
                    drained.get(STALL_MINUTES, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while the client was slow", e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException("the client read nothing for " + STALL_MINUTES + " minutes", e);
                }
            }
            if (gone) {
                throw new IOException("the client closed the connection");
            }
        }
        response.write(Buffer.buffer(java.util.Arrays.copyOf(buf, filled)));
        filled = 0;
    }

    @Override
    public void close() throws IOException {
        flushChunk();
    }
}
