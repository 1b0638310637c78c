package dev.tally.runtime.image;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChunkPipeTest {

    private static void send(ChunkPipe pipe, String text) throws IOException {
        byte[] b = pipe.buffer();
        byte[] t = text.getBytes();
        System.arraycopy(t, 0, b, 0, t.length);
        pipe.send(b, t.length);
    }

    @Test
    void theReaderGetsWhatWasSentInOrderThenTheEnd() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2, 8);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.input().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (String s : new String[] {"one", "two", "three", "four"}) {
            send(pipe, s); // four chunks through two buffers: the writer waits for the reader to give them back
        }
        pipe.end();
        assertArrayEquals("onetwothreefour".getBytes(), read.get(10, TimeUnit.SECONDS));
    }

    @Test
    void availableWaitsForTheNextChunkAndIsZeroOnlyAtTheEnd() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2, 8);
        InputStream in = pipe.input();
        CompletableFuture<Integer> available = CompletableFuture.supplyAsync(() -> {
            try {
                return in.available();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !available.isDone());
        send(pipe, "abc");
        assertEquals(3, available.get(10, TimeUnit.SECONDS));
        assertEquals(3, in.readNBytes(3).length);
        pipe.end();
        assertEquals(0, in.available());
        assertEquals(-1, in.read());
    }

    @Test
    void theWritersFailureReachesTheReaderWithItsCause() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2, 8);
        send(pipe, "abc");
        IOException broken = new IOException("connection reset");
        pipe.fail(broken);
        IOException e = assertThrows(IOException.class, () -> pipe.input().readAllBytes());
        assertSame(broken, e.getCause());
    }

    @Test
    void aClosedReaderStopsAWriterThatWaitsForABuffer() throws Exception {
        ChunkPipe pipe = new ChunkPipe(1, 8);
        send(pipe, "abc");
        CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.buffer();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
        pipe.input().close();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> waiting.get(10, TimeUnit.SECONDS));
        assertEquals(ChunkPipe.ReaderGone.class, e.getCause().getClass());
        assertThrows(ChunkPipe.ReaderGone.class, () -> pipe.send(new byte[8], 1));
    }
}
