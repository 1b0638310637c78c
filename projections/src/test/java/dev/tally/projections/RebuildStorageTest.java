package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rebuild writes settled values early, finds them again, and ends with the live table's shape. */
class RebuildStorageTest {

    private static final ViewTable<String[]> PAIRS = new ViewTable<>("pair", "k", List.of("k", "v"),
            "k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL", Map.of("value", "v"), false,
            (ps, p) -> {
                ps.setString(1, p[0]);
                ps.setString(2, p[1]);
            },
            rs -> new String[] {rs.getString("k"), rs.getString("v")});

    @Test
    void settledValuesAreWrittenEarlyReadBackAndMergedWhenChangedAfter() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:rebuild-storage-test")) {
            c.setAutoCommit(false);
            RebuildStorage storage = new RebuildStorage(c, "_next");
            Rows<String[]> rows = storage.rows(PAIRS);
            storage.create(PAIRS);
            for (int i = 0; i < 5_000; i++) {
                rows.put("k" + i, new String[] {"k" + i, "v" + i});
                if (i % 2 == 0) {
                    rows.settle("k" + i);
                }
            }
            assertArrayEquals(new String[] {"k10", "v10"}, rows.get("k10").orElseThrow(), "read back from the table");
            assertArrayEquals(new String[] {"k4998", "v4998"}, rows.get("k4998").orElseThrow(), "recently settled");
            assertArrayEquals(new String[] {"k11", "v11"}, rows.get("k11").orElseThrow(), "still held");
            assertTrue(rows.get("k5000").isEmpty());
            rows.put("k20", new String[] {"k20", "changed after it settled"});
            rows.settle("k20");
            assertEquals("changed after it settled", rows.get("k20").orElseThrow()[1]);
            rows.settle("no-such-key");

            storage.flush();
            c.commit();
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT k) FROM pair_next")) {
                    rs.next();
                    assertEquals(5_000, rs.getInt(1));
                    assertEquals(5_000, rs.getInt(2));
                }
                try (ResultSet rs = s.executeQuery("SELECT v FROM pair_next WHERE k = 'k20'")) {
                    rs.next();
                    assertEquals("changed after it settled", rs.getString(1));
                }
                assertThrows(SQLException.class, () -> s.execute("INSERT INTO pair_next VALUES ('k7', 'twice')"),
                        "the key is the primary key again");
                try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, "PAIR_NEXT", false, false)) {
                    boolean named = false;
                    while (rs.next()) {
                        named |= "PAIR_NEXT_VALUE".equals(rs.getString("INDEX_NAME"));
                    }
                    assertTrue(named, "the secondary index is built, under its name");
                }
            }
        }
    }

    @Test
    void aTableWhoseKeyIsNotNamedFirstInlineIsRefused() {
        ViewTable<String[]> odd = new ViewTable<>("odd", "k", List.of("v", "k"), "v VARCHAR(9), k VARCHAR(9) PRIMARY KEY",
                Map.of(), false, (ps, p) -> { }, rs -> null);
        assertThrows(IllegalStateException.class, () -> odd.createWithoutKeySql("odd_next"));
    }
}
