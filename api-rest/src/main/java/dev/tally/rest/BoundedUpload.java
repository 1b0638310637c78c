package dev.tally.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file an upload streams into, held to a size and to the free space kept on its disk: a write past
 * either fails with {@link OverLimit} (413), and the pipe feeding it stops. Nothing is buffered here
 * beyond what the file's own write queue holds.
 */
final class BoundedUpload implements WriteStream<Buffer> {

    /** How often (in bytes written) the disk's free space is looked at again. */
    private static final long CHECK_EVERY = 16L * 1024 * 1024;

    private final WriteStream<Buffer> file;
    private final Path onDisk;
    private final long maxBytes;
    private final long keepFree;
    private long written;
    private long checkedAt = -CHECK_EVERY;

    BoundedUpload(WriteStream<Buffer> file, Path onDisk, long maxBytes, long keepFree) {
        this.file = file;
        this.onDisk = onDisk;
        this.maxBytes = maxBytes;
        this.keepFree = keepFree;
    }

    /** The limit a write of {@code bytes} more would pass, or null. */
    OverLimit passed(long bytes) {
        if (written + bytes > maxBytes) {
            return OverLimit.tooLarge("the upload is larger than the daemon's limit of " + maxBytes + " bytes");
        }
        if (written + bytes - checkedAt >= CHECK_EVERY) {
            checkedAt = written + bytes;
            try {
                long usable = Files.getFileStore(onDisk).getUsableSpace();
                if (usable - bytes < keepFree) {
                    return OverLimit.tooLarge("the upload would leave less than " + keepFree + " bytes free on the "
                            + "disk of " + onDisk + " (kept for the event store)");
                }
            } catch (IOException e) {
                return OverLimit.tooLarge("the free space of " + onDisk + " is unknown: " + e.getMessage());
            }
        }
        return null;
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
