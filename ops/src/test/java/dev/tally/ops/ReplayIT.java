package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tally admin replay rebuilds every read model from the log alone: the rebuilt tables equal the
 * ones the live path wrote, row for row, even when the old ones were damaged meanwhile.
 */
class ReplayIT {

    private static final List<String> TABLES = List.of("container_view", "image_entry", "image_ref", "volume_view",
            "exec_view", "audit_block", "audit_open", "audit_span");

    @Test
    void replayRebuildsEveryReadModelEqualToTheLiveOnes(@BusyboxDaemon Daemon daemon) throws Exception {
        assertEquals(3, daemon.tally("run", "--rm", "busybox", "sh", "-c", "exit 3").code());
        assertEquals(0, daemon.tally("run", "-d", "--name", "kept", "-v", "data:/data", "busybox", "sleep", "60").code());
        assertEquals(0, daemon.tally("exec", "kept", "true").code());
        assertEquals(0, daemon.tally("stop", "-t", "1", "kept").code());
        assertEquals(0, daemon.tally("create", "--name", "removed", "busybox", "true").code());
        assertEquals(0, daemon.tally("rm", "removed").code());
        assertEquals(0, daemon.tally("volume", "create", "scratch").code());
        assertEquals(0, daemon.tally("volume", "rm", "scratch").code());
        assertNotEquals(0, daemon.tally("run", "--name", "failed", "busybox", "no-such-command").code());
        daemon.stop();

        Map<String, List<String>> live = dump(daemon);
        // audit_block holds sealed blocks only, 64 records each: this log is shorter, its records are in audit_open
        TABLES.stream().filter(t -> !t.equals("audit_block")).forEach(t -> assertTrue(!live.get(t).isEmpty(),
                t + " has rows"));
        long events = count(daemon, "SELECT COUNT(*) FROM DomainEventEntry");
        assertEquals(events, count(daemon,
                "SELECT (SELECT COALESCE(SUM(entries), 0) FROM audit_block) + (SELECT SUM(entries) FROM audit_open)"), "one audit entry an event");
        damage(daemon);
        assertNotEquals(live, dump(daemon), "the damage shows");

        daemon.start();
        Daemon.Result replay = daemon.tally("admin", "replay");
        assertEquals(0, replay.code(), replay.err());
        assertTrue(replay.out().matches("replayed " + events + " events in [0-9.]+ s \\([0-9]+ events/s\\)\n"),
                replay.out());
        assertEquals(0, daemon.tally("ps", "-a").code(), "the daemon serves on after a replay");
        daemon.stop();
        assertEquals(live, dump(daemon));
        daemon.start();
    }

    private static String url(Daemon daemon) {
        return "jdbc:h2:file:" + daemon.root.resolve("data/events/tally");
    }

    private static long count(Daemon daemon, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(daemon), "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void damage(Daemon daemon) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(daemon), "sa", ""); Statement s = c.createStatement()) {
            s.execute("DELETE FROM audit_open");
            s.execute("DELETE FROM audit_span WHERE first_seq = (SELECT MIN(first_seq) FROM audit_span)");
            s.execute("UPDATE container_view SET status = 'RUNNING'");
            s.execute("DELETE FROM image_ref");
            s.execute("UPDATE volume_view SET removed = FALSE");
        }
    }

    /** Every read-model table, its rows as text, sorted. */
    private static Map<String, List<String>> dump(Daemon daemon) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url(daemon), "sa", ""); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table, rows);
            }
        }
        return tables;
    }
}
