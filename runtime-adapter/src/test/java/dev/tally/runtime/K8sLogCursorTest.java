package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.container.LogCursor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
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
}
