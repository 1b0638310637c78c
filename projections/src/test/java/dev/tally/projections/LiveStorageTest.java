package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A live table is made when it is missing, and said to be missing (so its model is replayed) only then. */
class LiveStorageTest {

    private static final ViewTable<String[]> ENTRIES = new ViewTable<>("image_entry", "k", List.of("k", "v"),
            "k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL", Map.of(), false,
            (ps, p) -> {
                ps.setString(1, p[0]);
                ps.setString(2, p[1]);
            },
            rs -> new String[] {rs.getString("k"), rs.getString("v")});

    private final Connection keptOpen;
    private final LiveStorage storage;

    LiveStorageTest() throws SQLException {
        String url = "jdbc:h2:mem:live-storage-test-" + System.nanoTime();
        keptOpen = DriverManager.getConnection(url);
        storage = new LiveStorage(() -> DriverManager.getConnection(url), new LiveGate());
    }

    @AfterEach
    void close() throws SQLException {
        keptOpen.close();
    }

    @Test
    void aTableWhoseNameDiffersOnlyWhereTheNameHasAnUnderscoreDoesNotCountAsIt() throws SQLException {
        sql("CREATE TABLE imagexentry (k VARCHAR(64))");
        assertTrue(storage.create(ENTRIES), "image_entry was missing");
        assertFalse(storage.create(ENTRIES), "image_entry is there now");
    }

    @Test
    void aTableOfTheSameNameInAnotherSchemaDoesNotCountAsIt() throws SQLException {
        sql("CREATE SCHEMA other");
        sql("CREATE TABLE other.image_entry (k VARCHAR(64))");
        assertTrue(storage.create(ENTRIES), "image_entry was missing from the schema the store uses");
    }

    private void sql(String statement) throws SQLException {
        try (Statement s = keptOpen.createStatement()) {
            s.execute(statement);
        }
    }
}
