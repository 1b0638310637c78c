package dev.tally.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The relay between a hijacked client's input and a container's or an exec's stdin, driven at its
 * port: the sink is a fake whose writes block until the test lets them go, as a process that has
 * not started or does not read yet holds them.
 */
class StdinRelayTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    /** What a sink was given, in order: "bytes:…" for each write, "end" for its end. */
    private static final class HeldSink implements StdinRelay.Sink {
        final List<String> got = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch letGo;
        final CountDownLatch writing = new CountDownLatch(1);

        HeldSink(CountDownLatch letGo) {
            this.letGo = letGo;
        }

        @Override
        public void write(byte[] b) throws IOException {
            writing.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            synchronized (bytes) {
                bytes.write(b);
            }
            got.add("bytes:" + b.length);
        }

        @Override
        public void end() {
            got.add("end");
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }
    }

    /** The client's reading as the relay set it, each change in order. */
    private static final class Reading implements StdinRelay.Reading {
        final List<Boolean> changes = new CopyOnWriteArrayList<>();

        @Override
        public void set(boolean on) {
            changes.add(on);
        }
    }

    @Test
    void inputAndItsEndThatCameBeforeTheContainerWasConnectedReachItInOrder() {
        StdinRelay relay = new StdinRelay(new Reading(), "test-stdin");
        relay.write("line one\n".getBytes(StandardCharsets.UTF_8));
        relay.write("line two\n".getBytes(StandardCharsets.UTF_8));
        relay.end();
        HeldSink sink = new HeldSink(new CountDownLatch(0));
        relay.connect(sink);
        await().atMost(AT_ONCE).until(() -> sink.got.contains("end"));
        assertEquals(List.of("bytes:9", "bytes:9", "end"), sink.got);
        assertEquals("line one\nline two\n", sink.bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aContainerThatDoesNotTakeItsInputYetHoldsNeitherTheConnectNorTheClientSide() {
        // The start connects the attach before the container's process runs: a connect that wrote
        // the early input itself waited there forever once it was more than conmon's buffers hold.
        CountDownLatch letGo = new CountDownLatch(1);
        HeldSink sink = new HeldSink(letGo);
        Reading reading = new Reading();
        StdinRelay relay = new StdinRelay(reading, "test-stdin");
        byte[] chunk = new byte[64 * 1024];
        int chunks = 3 * StdinRelay.HIGH_WATER / chunk.length;
        assertTimeoutPreemptively(AT_ONCE, () -> {
            relay.write(chunk);
            relay.connect(sink);
            sink.writing.await(); // the writer holds the first chunk, as a full pipe would
            for (int i = 1; i < chunks; i++) {
                relay.write(chunk); // the event loop: never waits
            }
            relay.end();
        });
        assertEquals(List.of(false), reading.changes, "the client is no longer read past the high water mark");
        letGo.countDown();
        await().atMost(AT_ONCE).until(() -> sink.got.contains("end"));
        assertEquals(chunks * chunk.length, sink.size());
        assertEquals("end", sink.got.get(sink.got.size() - 1));
        assertEquals(List.of(false, true), reading.changes, "read again once the queue went down");
    }

    @Test
    void theEndReachesTheSinkOnlyAfterEveryByteWrittenBeforeIt() {
        CountDownLatch letGo = new CountDownLatch(1);
        HeldSink sink = new HeldSink(letGo);
        StdinRelay relay = new StdinRelay(new Reading(), "test-stdin");
        relay.connect(sink);
        relay.write(new byte[10]);
        relay.write(new byte[20]);
        relay.end();
        relay.write(new byte[5]); // nothing comes after the end
        letGo.countDown();
        await().atMost(AT_ONCE).until(() -> sink.got.contains("end"));
        assertEquals(List.of("bytes:10", "bytes:20", "end"), sink.got);
    }

    @Test
    void aClientThatGoesAwayEndsTheInputAndWhatItLeftQueuedIsDropped() {
        CountDownLatch letGo = new CountDownLatch(1);
        HeldSink sink = new HeldSink(letGo);
        StdinRelay relay = new StdinRelay(new Reading(), "test-stdin");
        relay.write(new byte[10]);
        relay.connect(sink);
        assertTimeoutPreemptively(AT_ONCE, () -> sink.writing.await());
        relay.write(new byte[20]);
        relay.close();
        letGo.countDown();
        await().atMost(AT_ONCE).until(() -> sink.got.contains("end"));
        assertEquals(List.of("bytes:10", "end"), sink.got);
    }

    @Test
    void aSinkThatFailsEndsTheRelayWithoutTakingMore() {
        List<String> got = new CopyOnWriteArrayList<>();
        StdinRelay relay = new StdinRelay(new Reading(), "test-stdin");
        relay.connect(new StdinRelay.Sink() {
            @Override
            public void write(byte[] bytes) throws IOException {
                got.add("write");
                throw new IOException("Broken pipe");
            }

            @Override
            public void end() {
                got.add("end");
            }
        });
        relay.write(new byte[1]);
        await().atMost(AT_ONCE).until(() -> got.contains("end"));
        relay.write(new byte[1]);
        relay.end();
        assertEquals(List.of("write", "end"), got);
    }
}
