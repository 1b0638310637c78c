package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.container.LogCursor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogRelayTest {

    /** The log port fed by the test: each next() hands out the next chunk written so far. */
    private static final class ChunkedLog implements LogCursor {
        final Deque<List<Line>> chunks = new ArrayDeque<>();
        boolean closed;

        void write(String... texts) {
            chunks.addLast(java.util.Arrays.stream(texts)
                    .map(t -> new Line(1, Instant.EPOCH, t.getBytes(StandardCharsets.UTF_8))).toList());
        }

        @Override
        public List<Line> next() {
            return chunks.isEmpty() ? List.of() : chunks.removeFirst();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static List<String> texts(List<LogCursor.Line> lines) {
        return lines.stream().map(l -> new String(l.bytes(), StandardCharsets.UTF_8)).toList();
    }

    /**
     * The lost output of {@code docker run --rm … cat /proc/self/status}: a poll read the whole
     * output, the end was reported (and read nothing more) before that poll's result was sent.
     * The old follower dropped the poll's lines once it had ended; they must go out first.
     */
    @Test
    void linesAPollReadAreSentEvenWhenTheEndWasReportedBeforeThem() {
        ChunkedLog log = new ChunkedLog();
        LogRelay relay = new LogRelay(log);
        log.write("Name:\tcat\n", "CapEff:\t00000000a80425fb\n");
        assertTrue(relay.read(), "the poll's read");
        assertTrue(relay.over(), "the end, reported before the poll's lines were sent");
        assertFalse(relay.read(), "nothing left to read");
        assertEquals(List.of("Name:\tcat\n", "CapEff:\t00000000a80425fb\n"), texts(relay.take()));
        assertEquals(List.of(), relay.take(), "sent once");
    }

    @Test
    void theEndReadsAtOnceAndEverythingComesOutInTheLogsOrder() {
        ChunkedLog log = new ChunkedLog();
        LogRelay relay = new LogRelay(log);
        log.write("1\n");
        log.write("2\n");
        log.write("3\n");
        relay.read();
        assertTrue(relay.over());
        assertEquals(1, log.chunks.size(), "the end read one chunk on the reporting thread, before a remove");
        assertFalse(relay.over(), "the end is handled once");
        while (relay.read()) {
            // the rest, chunk by chunk
        }
        assertEquals(List.of("1\n", "2\n", "3\n"), texts(relay.take()));
    }

    @Test
    void aReaderThatWentAwayGetsNothingMore() {
        ChunkedLog log = new ChunkedLog();
        LogRelay relay = new LogRelay(log);
        log.write("a\n");
        relay.read();
        relay.close();
        log.write("b\n");
        assertTrue(log.closed);
        assertFalse(relay.read());
        assertFalse(relay.over());
        assertEquals(List.of(), relay.take());
    }
}
