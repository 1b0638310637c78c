package dev.tally.runtime.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as a blocking stream, like the JDK's {@code BodyHandlers.ofInputStream()} (one
 * batch of buffers asked for at a time), except that a read gives up with an
 * {@link HttpTimeoutException} when the registry sends nothing for the idle time: the JDK's request
 * timeout ends when the headers arrive, and a registry that goes silent in the middle of a body would
 * otherwise hold the reader forever. Giving up cancels the response.
 */
final class IdleTimeoutBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    /** What {@link #onComplete} and {@link #onError} put in the queue (compared by identity). */
    private static final List<ByteBuffer> END = new ArrayList<>();

    private final long idleNanos;
    private final BlockingQueue<List<ByteBuffer>> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile Throwable failure;
    private volatile boolean closed;
    private Iterator<ByteBuffer> batch;
    private ByteBuffer current;
    private boolean ended;

    private IdleTimeoutBody(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    /** A handler giving each response's body as such a stream. */
    static HttpResponse.BodyHandler<InputStream> handler(Duration idle) {
        return info -> new IdleTimeoutBody(idle);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        queue.add(END);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        ByteBuffer b = current();
        return b == null ? -1 : b.get() & 0xff;
    }

    @Override
    public int read(byte[] into, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, into.length);
        if (len == 0) {
            return 0;
        }
        ByteBuffer b = current();
        if (b == null) {
            return -1;
        }
        int n = Math.min(len, b.remaining());
        b.get(into, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** The buffer to read from, waiting at most the idle time for the next; null at the end. */
    private ByteBuffer current() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (closed) {
                throw new IOException("closed");
            }
            if (batch != null && batch.hasNext()) {
                current = batch.next();
                continue;
            }
            if (ended) {
                return null;
            }
            if (batch != null) {
                batch = null;
                subscription.request(1);
            }
            List<ByteBuffer> next;
            try {
                next = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new java.io.InterruptedIOException("interrupted while reading from the registry");
            }
            if (closed) {
                throw new IOException("closed");
            }
            if (next == null) {
                close();
                throw new HttpTimeoutException("the registry sent nothing for " + seconds(idleNanos));
            }
            if (next == END) {
                ended = true;
                Throwable t = failure;
                if (t != null) {
                    throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
                }
                return null;
            }
            batch = next.iterator();
        }
        return current;
    }

    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s == Math.rint(s) ? (long) s + " s" : String.format(java.util.Locale.ROOT, "%.1f s", s);
    }

    /** Cancels the response; a reader waiting for bytes on another thread wakes and fails. */
    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        queue.clear();
        queue.add(END);
    }
}
