package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
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
        // dead chunks are freed only after a minute: the close leaves those of the appends listed in its layout
        String url = "jdbc:h2:file:" + dir.resolve("tally") + Store.H2_SETTINGS.replace(
                "RETENTION_TIME=" + StoreUpkeep.RETENTION_MS, "RETENTION_TIME=60000");
        assertTrue(url.contains("RETENTION_TIME=60000"), url);
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off())) {
            MixedSessions load = new MixedSessions(store, 7);
            for (int n = 0; n < EVENTS; n++) {
                load.appendOne();
            }
        }
        StoreFile closed = StoreFile.of(url).orElseThrow();
        assertTrue(closed.clean(), "the close left a file H2 opens at its header's commit");

        long[] dead = oldestDeadOfTheNewestListed(closed.path());
        try (RandomAccessFile file = new RandomAccessFile(closed.path().toFile(), "rw")) {
            // its last block, with its footer, written over: as a freed chunk's space is written again or cut off
            file.seek((dead[0] + dead[1] - 1) * 4096);
            file.write(new byte[4096]);
        }
        StoreFile overwritten = StoreFile.of(url).orElseThrow();
        assertTrue(overwritten.markedClean(), "the header still says the store was closed");
        assertFalse(overwritten.clean(), "H2 would open an older commit than its header names");

        assertEquals(EVENTS, events(url), "every event, as the header's commit holds them");
        assertEquals(EVENTS, events(url), "and again after that start's clean close");
    }

    /** Opens the store as tallyd does, counts its events, closes it. */
    private static int events(String url) throws Exception {
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off());
             Connection c = store.connections().getConnection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM DomainEventEntry")) {
            r.next();
            return r.getInt(1);
        }
    }

    /**
     * The block and length of the oldest dead chunk among the 10 newest the layout lists (H2 checks the 19
     * newest before it trusts a clean header), so that several commits come after it.
     */
    private static long[] oldestDeadOfTheNewestListed(Path file) {
        List<Map<String, String>> chunks = new ArrayList<>();
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            for (Map.Entry<String, String> e : store.getFileStore().getLayoutMap().entrySet()) {
                if (e.getKey().startsWith("chunk.")) {
                    chunks.add(DataUtils.parseMap(e.getValue()));
                }
            }
        }
        chunks.sort(Comparator.comparingLong((Map<String, String> c) -> hex(c, "version")).reversed());
        List<Map<String, String>> newest = chunks.subList(0, Math.min(10, chunks.size()));
        Map<String, String> dead = newest.stream().filter(c -> "0".equals(c.get("livePages")))
                .min(Comparator.comparingLong(c -> hex(c, "version")))
                .orElseThrow(() -> new AssertionError("no dead chunk among the 10 newest listed: " + newest));
        return new long[] {hex(dead, "block"), hex(dead, "len")};
    }

    private static long hex(Map<String, String> chunk, String key) {
        return Long.parseLong(chunk.getOrDefault(key, "0"), 16);
    }
}
