package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedUploadTest {

    @TempDir
    Path dir;

    /** Counts what reaches the file. */
    private static final class Sink implements WriteStream<Buffer> {
        long bytes;

        @Override
        public Future<Void> write(Buffer data) {
            bytes += data.length();
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
            return Future.succeededFuture();
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }

    @Test
    void anUploadPastItsLimitFailsWith413AndWritesNoMore() {
        Sink sink = new Sink();
        BoundedUpload upload = new BoundedUpload(sink, dir, 100, 0);
        assertTrue(upload.write(Buffer.buffer(new byte[100])).succeeded());
        Future<Void> over = upload.write(Buffer.buffer(new byte[1]));
        assertTrue(over.failed());
        assertEquals(413, ErrorMapper.status(over.cause()));
        assertEquals(100, sink.bytes);
    }

    @Test
    void anUploadThatWouldEatTheFreeSpaceKeptFails() {
        Sink sink = new Sink();
        BoundedUpload upload = new BoundedUpload(sink, dir, Long.MAX_VALUE, Long.MAX_VALUE / 2);
        Future<Void> over = upload.write(Buffer.buffer(new byte[10]));
        assertTrue(over.failed());
        assertTrue(over.cause().getMessage().contains("free"), over.cause().getMessage());
        assertEquals(0, sink.bytes);
        assertNull(new BoundedUpload(sink, dir, 100, 0).passed(10));
    }
}
