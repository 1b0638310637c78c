package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.audit.ChainVerdict;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVStoreTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store writes its pages compressed ({@code COMPRESS=TRUE} in {@link Store#H2_SETTINGS}), and a file
 * written before that setting, all of its pages uncompressed, opens with it and keeps working: its
 * events are read back, new ones are appended on the same chain, and the upkeep rewrites its old pages
 * among the new compressed ones.
 */
class StoreCompressionTest {

    private static final int EVENTS = 300;
    private static final int BLOCK = 4096;
    /** The daemon's settings, rewriting in every round whatever the dead share (old pages get rewritten). */
    private static final StoreUpkeep.Settings RESTLESS = new StoreUpkeep.Settings(true, Duration.ofMillis(20), -1,
            StoreUpkeep.Settings.DEFAULT.writeLimit(), 4, Duration.ofMillis(100), 0);

    @TempDir
    Path dir;

    @Test
    void aStoreWrittenUncompressedOpensKeepsItsEventsAndTakesCompressedAppends() throws Exception {
        Path base = dir.resolve("tally");
        String before = Store.h2File(base).replace(";COMPRESS=TRUE", "");
        assertTrue(!before.contains("COMPRESS") && Store.h2File(base).contains(";COMPRESS=TRUE"), before);
        List<String> ids = new ArrayList<>();
        try (Store store = Store.open(before, StoreUpkeep.Settings.DEFAULT)) {
            MixedSessions load = new MixedSessions(store, 5);
            for (int i = 0; i < EVENTS; i++) {
                ids.add(load.appendOne());
            }
        }
        assertEquals(0, compressedPages(base), "written before the setting: no page is compressed");

        try (Store store = Store.open(Store.h2File(base), RESTLESS)) {
            assertEquals(EVENTS, eventCount(store));
            MixedSessions load = new MixedSessions(store, 6);
            for (int i = 0; i < EVENTS; i++) {
                ids.add(load.appendOne());
            }
            ChainVerdict verdict = store.chain().verify(null);
            assertTrue(verdict.intact(), verdict.toString());
            assertEquals(2 * EVENTS, verdict.checked());
        }
        assertTrue(compressedPages(base) > 0, "pages written with the setting are compressed");

        try (Store store = Store.open(Store.h2File(base), StoreUpkeep.Settings.DEFAULT)) {
            ChainVerdict verdict = store.chain().verify(null);
            assertTrue(verdict.intact(), verdict.toString());
            assertEquals(2 * EVENTS, verdict.checked());
            try (Connection c = store.connections().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT eventIdentifier FROM DomainEventEntry ORDER BY globalIndex")) {
                List<String> read = new ArrayList<>();
                while (rs.next()) {
                    read.add(rs.getString(1));
                }
                assertEquals(ids, read, "every event, old and new, in order");
            }
        }
    }

    private static long eventCount(Store store) throws Exception {
        try (Connection c = store.connections().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM DomainEventEntry")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The pages H2's own dump marks compressed in the chunks of the (closed) file: the dump reads a copy that
     * holds the store header and the chunks the file's layout lists and its header leads to, and zeros elsewhere.
     * Not the file itself: the dump takes every block that starts with a "c" outside the chunks it has walked for
     * a chunk's header, also in freed space not written over yet, where the text of a layout page written
     * uncompressed before the setting may begin a block ("chunk:e,block:14,...,occupancy:07" and the bytes of the
     * next entry); whether one does depends on which chunks the upkeep freed and where the next ones went, and
     * then the dump threw "Hexadecimal string contains non-hex character" (2 of 40 runs on a host at load 8).
     */
    private static long compressedPages(Path base) throws IOException {
        Path file = Path.of(base + ".mv.db");
        List<long[]> chunks = new ArrayList<>(); // each {first block, blocks}
        chunks.add(new long[] {0, 2}); // the store header's two copies
        ListedChunk.in(file).forEach(c -> chunks.add(new long[] {c.block(), c.blocks()}));
        Path copy = Path.of(base + "-chunks.mv.db");
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r");
             RandomAccessFile out = new RandomAccessFile(copy.toFile(), "rw")) {
            chunks.addAll(HeaderChain.of(in)); // the newest, which the layout need not list
            out.setLength(in.length());
            for (long[] chunk : chunks) {
                byte[] bytes = new byte[(int) chunk[1] * BLOCK];
                in.seek(chunk[0] * BLOCK);
                in.readFully(bytes);
                out.seek(chunk[0] * BLOCK);
                out.write(bytes);
            }
        }
        try {
            StringWriter dump = new StringWriter();
            MVStoreTool.dump(copy.toString(), dump, true);
            return dump.toString().lines().filter(l -> l.matches("\\+\\p{XDigit}+ (leaf|node) compressed,.*")).count();
        } finally {
            Files.delete(copy);
        }
    }
}
