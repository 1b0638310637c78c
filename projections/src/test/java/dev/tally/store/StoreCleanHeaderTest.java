package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store header marked clean is trusted by H2 2.3.232 only when the newest chunks its layout lists (19) are
 * all whole, dead ones too; when one is not, H2 opens the newest of the chunks it had checked before it, all
 * older than that one, and never the header's own chunk: the commits after it are gone. H2's close wrote
 * such files: its 200 ms compaction freed a chunk that died in the close's last commit (the chunk
 * {@link StoreRecovery} writes past every block in use, at the file's end) and cut it off with the file's
 * free end, after the header's chunk had been written (StoreKillPointsTest: "opened again after an idle
 * close: missing", 4 of 5 closes of the file it kept). Here such a file is made on purpose: a store closed
 * with dead chunks still listed (a long retention time), one of them then written over.
 */
class StoreCleanHeaderTest {

    private static final int EVENTS = 40;

    @TempDir
    Path dir;

    @Test
    void aCleanHeaderWhoseLayoutListsAChunkNoLongerWholeOpensAtItsOwnCommitWithEveryEvent() throws Exception {
        String url = MixedSessions.closedWithDeadChunksListed(dir, EVENTS);
        StoreFile closed = StoreFile.of(url).orElseThrow();
        assertTrue(closed.clean(), "the close left a file H2 opens at its header's commit");

        ListedChunk dead = oldestDeadOfTheNewestListed(closed.path());
        try (RandomAccessFile file = new RandomAccessFile(closed.path().toFile(), "rw")) {
            // its last block, with its footer, written over: as a freed chunk's space is written again or cut off
            file.seek((dead.block() + dead.blocks() - 1) * 4096);
            file.write(new byte[4096]);
        }
        StoreFile overwritten = StoreFile.of(url).orElseThrow();
        assertTrue(overwritten.markedClean(), "the header still says the store was closed");
        assertFalse(overwritten.clean(), "H2 would open an older commit than its header names");

        assertEquals(EVENTS, MixedSessions.eventsIn(url), "every event, as the header's commit holds them");
        assertEquals(EVENTS, MixedSessions.eventsIn(url), "and again after that start's clean close");
    }

    /**
     * The oldest dead chunk among the 10 newest the layout lists (H2 checks the 19 newest before it trusts a
     * clean header), so that several commits come after it.
     */
    private static ListedChunk oldestDeadOfTheNewestListed(Path file) {
        List<ListedChunk> newest = ListedChunk.in(file).stream()
                .sorted(Comparator.comparingLong(ListedChunk::version).reversed()).limit(10).toList();
        return newest.stream().filter(ListedChunk::dead).min(Comparator.comparingLong(ListedChunk::version))
                .orElseThrow(() -> new AssertionError("no dead chunk among the 10 newest listed: " + newest));
    }
}
