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

        Optional<String> said = StoreCompaction.compactIfLarge(url, StoreFile.of(url).orElseThrow(), 1 << 20);
        assertTrue(said.isPresent(), "a sparse store of " + before + " bytes is compacted");
        assertTrue(said.get().startsWith("tallyd: compacted the store from "), said.get());
        assertTrue(Files.size(file) < before / 4, Files.size(file) + " bytes after, " + before + " before");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept WHERE n = 1")) {
            assertTrue(rs.next());
            assertEquals("still here", rs.getString(1));
        }
        assertEquals(Optional.empty(), StoreCompaction.compactIfLarge(url, StoreFile.of(url).orElseThrow(), 1 << 20),
                "a dense store is left alone");
    }

    /**
     * A dense file written before the store compressed its pages is about twice its compacted (compressed)
     * copy: it is compacted once; the same rows written compressed are left alone.
     */
    @Test
    void aDenseStoreWrittenUncompressedIsCompactedOnceAndTheSameWrittenCompressedIsNot() throws Exception {
        String compressed = "jdbc:h2:file:" + dir.resolve("compressed") + Store.H2_SETTINGS;
        String plain = "jdbc:h2:file:" + dir.resolve("plain") + Store.H2_SETTINGS.replace(";COMPRESS=TRUE", "");
        for (String url : new String[] {compressed, plain}) {
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE events (n INT PRIMARY KEY, payload VARCHAR(2000))");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?)")) {
                    for (int i = 0; i < 20_000; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "{\"type\":\"ContainerCreated\",\"container\":\"c" + i * 7919 % 100_003
                                + "\",\"actor\":{\"uid\":" + (1000 + i % 5) + ",\"name\":\"user" + i % 5
                                + "\",\"source\":\"unix:pid=" + (4000 + i * 31 % 30_000) + "\"},\"image\":\"busybox\"}");
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
        StoreFile plainFile = StoreFile.of(plain).orElseThrow();
        StoreFile compressedFile = StoreFile.of(compressed).orElseThrow();
        assertTrue(plainFile.uncompressedPercent() > 90, plainFile.toString());
        assertTrue(compressedFile.uncompressedPercent() < 10, compressedFile.toString());
        assertEquals(Optional.empty(), StoreCompaction.compactIfLarge(compressed, compressedFile, 1 << 20),
                "dense and compressed: " + compressedFile);

        Optional<String> said = StoreCompaction.compactIfLarge(plain, plainFile, 1 << 20);
        assertTrue(said.isPresent(), "dense, written uncompressed: " + plainFile);
        StoreFile after = StoreFile.of(plain).orElseThrow();
        assertTrue(after.bytes() * 3 < plainFile.bytes() * 2, after + " after, " + plainFile + " before");
        assertTrue(after.uncompressedPercent() < 10, after.toString());
        assertEquals(Optional.empty(), StoreCompaction.compactIfLarge(plain, after, 1 << 20), "compacted once");
        try (Connection c = DriverManager.getConnection(plain, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
            rs.next();
            assertEquals(20_000, rs.getInt(1));
        }
    }

    @Test
    void otherStoresAreLeftAlone() throws Exception {
        assertEquals(Optional.empty(), StoreFile.of("jdbc:h2:mem:x"));
        assertEquals(Optional.empty(), StoreFile.of("jdbc:postgresql://db/tally"));
        assertEquals(Optional.empty(), StoreFile.of("jdbc:h2:file:" + dir.resolve("none")));
    }
}
