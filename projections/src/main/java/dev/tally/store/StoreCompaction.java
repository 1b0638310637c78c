package dev.tally.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * Compacts the embedded H2 store at start-up when most of its file is free space. H2 writes each
 * commit to a new place in the file and gives old places back only later, and at close it compacts
 * for a moment only: a store written fast (a long log, a replay) can be many times larger than
 * what it holds, and reading it, for a replay above all, then reads from the disk (a store of
 * 1,000,000 events was 7.1 GB, 0.4 GB compacted: its first replay ran at half the speed).
 */
final class StoreCompaction {

    /**
     * Below this, a sparse file is left as it is. The size above which issue 12 wants a store within
     * twice its compacted size: a larger file that is mostly free space (the store grows some 30 KB per
     * event while tallyd runs, see docs/reliability.md, "Store size") is compacted at the next start,
     * which takes about a second per 300 MB of file.
     */
    static final long MIN_BYTES = 64L << 20;
    /** The share of the file (percent) holding live data below which it is compacted. */
    static final int MAX_FILL_RATE = 50;

    private StoreCompaction() {
    }

    /** Compacts the store at this JDBC URL if it is an H2 file that is large and mostly free; says what it did. */
    static Optional<String> compactIfSparse(String url, long minBytes, int maxFillRate) throws SQLException, IOException {
        if (!url.startsWith("jdbc:h2:file:")) {
            return Optional.empty();
        }
        Path file = Path.of(url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db");
        if (!Files.isRegularFile(file) || Files.size(file) < minBytes) {
            return Optional.empty();
        }
        long before = Files.size(file);
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            // The share of the file in chunks, times the share of the chunks' pages still live.
            int fillRate = 100;
            try (ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME IN ('info.FILL_RATE', 'info.CHUNKS_FILL_RATE')")) {
                while (rs.next()) {
                    fillRate = fillRate * Integer.parseInt(rs.getString(1).trim()) / 100;
                }
            }
            if (fillRate >= maxFillRate) {
                return Optional.empty();
            }
            // The header names the newest chunk here (a clean stop, or StoreRecovery's settling), so what H2's
            // close frees and writes over is older than any chunk a recovery would read. Space reuse stays
            // on: H2 2.3.232 closed with it off writes a file it cannot open again (see HeaderPin#release).
            s.execute("SHUTDOWN COMPACT");
        }
        return Optional.of(String.format(Locale.ROOT, "tallyd: compacted the store from %d MB to %d MB in %.1f s",
                before >> 20, Files.size(file) >> 20, (System.nanoTime() - started) / 1e9));
    }
}
