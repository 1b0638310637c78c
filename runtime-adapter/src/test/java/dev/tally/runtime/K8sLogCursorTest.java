package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.container.LogCursor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class K8sLogCursorTest {

    @TempDir
    Path dir;

    @Test
    void fullAndPartialLinesKeepTheirStreamTimeAndNewline() {
        LogCursor.Line full = K8sLogCursor.parse("2026-11-23T12:48:44.013217277+00:00 stdout F out".getBytes());
        assertEquals(1, full.stream());
        assertEquals(Instant.parse("2026-11-23T12:48:44.013217277Z"), full.time());
        assertArrayEquals("out\n".getBytes(), full.bytes());
        LogCursor.Line partial = K8sLogCursor.parse("2026-11-23T12:48:44.014232425+00:00 stderr P no newline".getBytes());
        assertEquals(2, partial.stream());
        assertArrayEquals("no newline".getBytes(), partial.bytes());
    }

    @Test
    void readsOnlyWhatWasAppendedAndOnlyWholeRecords() throws IOException {
        Path log = dir.resolve("ctr.log");
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            assertEquals(List.of(), cursor.next(), "no file yet is no output yet");
            Files.writeString(log, "2026-11-23T12:00:00.000000001+00:00 stdout F a\n2026-11-23T12:00:00.000000002+00:00 std");
            List<LogCursor.Line> first = cursor.next();
            assertEquals(1, first.size());
            Files.writeString(log, "err F b\n", StandardOpenOption.APPEND);
            List<LogCursor.Line> second = cursor.next();
            assertEquals(1, second.size());
            assertEquals(2, second.get(0).stream());
            assertEquals("b\n", new String(second.get(0).bytes(), StandardCharsets.UTF_8));
            assertEquals(List.of(), cursor.next());
        }
    }

    private static String record(int i, String stream) {
        return String.format("2026-11-23T12:00:00.%09d+00:00 %s F line %d%n", i, stream, i);
    }

    private static List<String> texts(List<LogCursor.Line> lines) {
        List<String> out = new ArrayList<>();
        for (LogCursor.Line l : lines) {
            out.add(new String(l.bytes(), StandardCharsets.UTF_8).strip());
        }
        return out;
    }

    /** conmon 2.x at --log-size-max: close, create ctr.log.tmp, rename it over ctr.log. */
    private static void startAfresh(Path log, String content) throws IOException {
        Path tmp = log.resolveSibling(log.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aFollowerReadsTheOldFileToItsEndThenTheNewOneNeitherLosingNorRepeating() throws IOException {
        Path log = dir.resolve("ctr.log");
        Files.writeString(log, record(1, "stdout"));
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            assertEquals(List.of("line 1"), texts(cursor.next()));
            // written to the old file after the last read, then conmon starts afresh
            Files.writeString(log, record(2, "stdout") + record(3, "stdout"), StandardOpenOption.APPEND);
            startAfresh(log, record(4, "stdout"));
            List<String> seen = new ArrayList<>();
            for (List<LogCursor.Line> chunk = cursor.next(); !chunk.isEmpty(); chunk = cursor.next()) {
                seen.addAll(texts(chunk));
            }
            assertEquals(List.of("line 2", "line 3", "line 4"), seen);
            Files.writeString(log, record(5, "stdout"), StandardOpenOption.APPEND);
            assertEquals(List.of("line 5"), texts(cursor.next()));
            assertEquals(List.of(), cursor.next());
            List<String> held = new ArrayList<>();
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                fds.forEach(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith(dir.toString()) && target.endsWith("(deleted)")) {
                            held.add(target);
                        }
                    } catch (IOException closedMeanwhile) {
                        // the listing's own descriptor
                    }
                });
            }
            assertEquals(List.of(), held, "the replaced log is still held open");
        }
    }

    @Test
    void tailReadsTheLastWantedRecordsAcrossBlocksAndContinuesAfterThem() throws IOException {
        Path log = dir.resolve("ctr.log");
        StringBuilder all = new StringBuilder();
        int records = 5000; // about 250 KiB: several blocks, records cut by block edges
        for (int i = 1; i <= records; i++) {
            all.append(record(i, i % 2 == 0 ? "stderr" : "stdout"));
        }
        all.append("2026-11-23T12:00:01.000000000+00:00 stdout F still being wr");
        Files.writeString(log, all);
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            List<LogCursor.Line> last = cursor.tail(3, line -> line.stream() == 2);
            assertEquals(List.of("line 4996", "line 4998", "line 5000"), texts(last));
            Files.writeString(log, "itten\n" + record(5001, "stdout"), StandardOpenOption.APPEND);
            assertEquals(List.of("still being written", "line 5001"), texts(cursor.next()),
                    "the record being written when tail read is read once whole, after the tail");
        }
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            List<LogCursor.Line> everything = cursor.tail(records + 100, line -> true);
            assertEquals(records + 2, everything.size());
            assertEquals("line 1", texts(everything).get(0));
        }
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            assertEquals(List.of(), cursor.tail(0, line -> true));
            assertEquals(List.of(), cursor.next(), "tail 0 moves to the end");
        }
    }

    /**
     * The file is 4 GiB of zeros (sparse) before its last records: read forward, that is 4 GiB held
     * as one unfinished record; read from the end, one block.
     */
    @Test
    void tailOfAHugeLogReadsOnlyItsEnd() throws IOException {
        Path log = dir.resolve("ctr.log");
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(4L << 30);
        }
        Files.writeString(log, "\n" + record(1, "stdout") + record(2, "stdout"), StandardOpenOption.APPEND);
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            assertEquals(List.of("line 1", "line 2"), texts(cursor.tail(2, line -> true)));
            Files.writeString(log, record(3, "stdout"), StandardOpenOption.APPEND);
            assertEquals(List.of("line 3"), texts(cursor.next()));
        }
    }

    @Test
    void skipToEndLeavesOnlyNewOutput() throws IOException {
        Path log = dir.resolve("ctr.log");
        Files.writeString(log, record(1, "stdout") + record(2, "stdout"));
        try (K8sLogCursor cursor = new K8sLogCursor(log)) {
            cursor.skipToEnd();
            assertEquals(List.of(), cursor.next());
            Files.writeString(log, record(3, "stdout"), StandardOpenOption.APPEND);
            assertEquals(List.of("line 3"), texts(cursor.next()));
        }
    }

    @Test
    void aLineThatIsNoRecordIsSkippedNotAFailure() {
        assertEquals(null, K8sLogCursor.parse("not a time stdout F x".getBytes()));
        assertEquals(null, K8sLogCursor.parse("2026-11-23T12:00:00.000000001+00:00 stdout".getBytes()));
    }
}
