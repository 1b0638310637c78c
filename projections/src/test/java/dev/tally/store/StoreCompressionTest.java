package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.audit.ChainVerdict;
import java.io.StringWriter;
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

    /** The pages H2's own dump of the (closed) file marks compressed. */
    private static long compressedPages(Path base) {
        StringWriter dump = new StringWriter();
        MVStoreTool.dump(base + ".mv.db", dump, true);
        return dump.toString().lines().filter(l -> l.matches("\\+\\p{XDigit}+ (leaf|node) compressed,.*")).count();
    }
}
