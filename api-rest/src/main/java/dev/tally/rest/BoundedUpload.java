package dev.tally.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file an upload streams into, held to a size and to the free space kept on its disk: a write past
 * either fails with {@link OverLimit} (413), and the pipe feeding it stops. Nothing is buffered here
 * beyond what the file's own write queue holds.
 */
final class BoundedUpload implements WriteStream<Buffer> {

    private final WriteStream<Buffer> file;
    private final DiskReserve reserve;
    private final long maxBytes;
    private long written;

    BoundedUpload(WriteStream<Buffer> file, Path onDisk, long maxBytes, long keepFree) {
        this.file = file;
        this.reserve = new DiskReserve(onDisk, keepFree);
        this.maxBytes = maxBytes;
    }

    /** The limit a write of {@code bytes} more would pass, or null. */
    OverLimit passed(long bytes) {
        if (written + bytes > maxBytes) {
            return OverLimit.tooLarge("the upload is larger than the daemon's limit of " + maxBytes + " bytes");
        }
        try {
            return reserve.refusal(written, bytes, "upload");
        } catch (IOException e) {
            return OverLimit.tooLarge("the free space of " + reserve.onDisk() + " is unknown: " + e.getMessage());
        }
    }

    @Override
    public Future<Void> write(Buffer data) {
        OverLimit over = passed(data.length());
        if (over != null) {
            return Future.failedFuture(over);
        }
        written += data.length();
        return file.write(data);
    }

    @Override
    public Future<Void> end() {
        return file.end();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        file.exceptionHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        file.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return file.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        file.drainHandler(handler);
        return this;
    }
}
