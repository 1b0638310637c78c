package dev.tally.store;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * Compacts the embedded H2 store at start-up when its file is far larger than a compacted copy of it
 * would be. H2 writes each commit to a new place in the file and gives old places back only later, and
 * at close it compacts for a moment only: a store written fast (a long log, a replay) can be many times
 * larger than what it holds, and reading it, for a replay above all, then reads from the disk (a store of
 * 1,000,000 events was 7.1 GB, 0.4 GB compacted: its first replay ran at half the speed). A file written
 * before the store compressed its pages is about twice its compacted copy even when dense: it is
 * compacted once, at the first start above {@link #MIN_BYTES}.
 */
final class StoreCompaction {

    /**
     * Below this, a large file is left as it is. The size above which issue 12 wants a store within twice
     * its compacted size; a file above it and more than {@link #MAX_RATIO} times its compacted estimate is
     * compacted at the next start, which takes about a second per 300 MB of file.
     */
    static final long MIN_BYTES = 64L << 20;
    /** The file's size over its compacted estimate ({@link StoreFile#compactedBytes()}) above which it is compacted. */
    static final int MAX_RATIO = 2;

    private StoreCompaction() {
    }

    /**
     * Compacts the store at this JDBC URL, whose file was found so, if the file is at least {@code minBytes}
     * and either more than {@link #MAX_RATIO} times its compacted estimate or mostly written uncompressed
     * (a dense such file is about twice its compacted copy, and the upkeep rewrites only sparse chunks);
     * says what it did.
     */
    static Optional<String> compactIfLarge(String url, StoreFile file, long minBytes) throws SQLException, IOException {
        if (file.bytes() < minBytes
                || file.bytes() <= MAX_RATIO * file.compactedBytes() && file.uncompressedPercent() <= 50) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            // The header names the newest chunk here (a clean stop, or StoreRecovery's settling), so what H2's
            // close frees and writes over is older than any chunk a recovery would read. Space reuse stays
            // on: H2 2.3.232 closed with it off writes a file it cannot open again (see HeaderPin#release).
            s.execute("SHUTDOWN COMPACT");
        }
        return Optional.of(String.format(Locale.ROOT,
                "tallyd: compacted the store from %d MB (about %d MB compacted, %d %% of it written uncompressed) to %d MB"
                        + " in %.1f s", file.bytes() >> 20, file.compactedBytes() >> 20, file.uncompressedPercent(),
                Files.size(file.path()) >> 20,
                (System.nanoTime() - started) / 1e9));
    }
}
