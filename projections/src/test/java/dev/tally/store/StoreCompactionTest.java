package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCompactionTest {

    @TempDir
    Path dir;

    @Test
    void aMostlyFreeStoreIsCompactedOnceAndKeepsItsData() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("tally") + Store.H2_SETTINGS;
        // Written fast in many commits, then mostly dropped, and closed without compacting.
        try (Connection c = DriverManager.getConnection(url + ";MAX_COMPACT_TIME=0", "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (n INT PRIMARY KEY, v VARCHAR(100))");
            s.execute("CREATE TABLE scratch (n INT PRIMARY KEY, v VARCHAR(2000))");
            s.execute("INSERT INTO kept VALUES (1, 'still here')");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch VALUES (?, ?)")) {
                for (int i = 0; i < 20_000; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, (i + "-").repeat(1500).substring(0, 1500));
                    ps.executeUpdate();
                }
            }
            s.execute("DROP TABLE scratch");
        }
        Path file = dir.resolve("tally.mv.db");
        long before = Files.size(file);

        Optional<String> said = StoreCompaction.compactIfSparse(url, 1 << 20, StoreCompaction.MAX_FILL_RATE);
        assertTrue(said.isPresent(), "a sparse store of " + before + " bytes is compacted");
        assertTrue(said.get().startsWith("tallyd: compacted the store from "), said.get());
        assertTrue(Files.size(file) < before / 4, Files.size(file) + " bytes after, " + before + " before");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept WHERE n = 1")) {
            assertTrue(rs.next());
            assertEquals("still here", rs.getString(1));
        }
        assertEquals(Optional.empty(), StoreCompaction.compactIfSparse(url, 1 << 20, StoreCompaction.MAX_FILL_RATE),
                "a dense store is left alone");
    }

    @Test
    void otherStoresAreLeftAlone() throws Exception {
        assertEquals(Optional.empty(), StoreCompaction.compactIfSparse("jdbc:h2:mem:x", 0, 100));
        assertEquals(Optional.empty(), StoreCompaction.compactIfSparse("jdbc:postgresql://db/tally", 0, 100));
        assertEquals(Optional.empty(), StoreCompaction.compactIfSparse("jdbc:h2:file:" + dir.resolve("none"), 0, 100));
    }
}
