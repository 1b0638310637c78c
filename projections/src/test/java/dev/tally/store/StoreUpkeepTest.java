package dev.tally.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.h2.mvstore.LeafChunks;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.SparseChunks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: appended one event per commit, as the daemon's requests append them, an H2 file grew by
 * some 15-30 KB per event until a restart compacted it. With {@link StoreUpkeep}, once the file has its
 * working space (the chunks of one retention time of commits: 200 ms here, see {@link #BRIEF_RETENTION},
 * 5 s in the daemon), the same appends again, waited for until they are older than the retention
 * time, grow it by far less than without the upkeep.
 */
class StoreUpkeepTest {

    /** The daemon's settings, with rounds every 50 ms instead of 250 (the test appends faster than requests do). */
    static final StoreUpkeep.Settings QUICK = new StoreUpkeep.Settings(true, Duration.ofMillis(50),
            StoreUpkeep.Settings.DEFAULT.deadShare(), StoreUpkeep.Settings.DEFAULT.writeLimit(), 4, Duration.ofSeconds(1), 0);
    /**
     * The daemon's settings with a retention time of 200 ms: the test appends several times faster than
     * tallyd's requests come, and what it measures is what the upkeep leaves, not that working space.
     */
    static final String BRIEF_RETENTION = Store.H2_SETTINGS.replace("RETENTION_TIME=" + StoreUpkeep.RETENTION_MS,
            "RETENTION_TIME=200");
    /** Rounds of {@link #QUICK} in a second. */
    private static final int ROUNDS_PER_SECOND = 20;
    private static final int EVENTS = 1_500;

    @TempDir
    Path dir;
    private Store store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * What the upkeep gives back, against the same appends without it: less than half of their growth
     * (measured: 16 KB against 17.9 MB at load 18, 3.4 MB and 7.3 MB against 20.1 MB and 18.9 MB at load
     * 6, for 0.68 MB of content: it depends on how fast this loop appends; before the audit's open block had a table of its own and spans were written once per
     * container life, 4.4-7.4 MB against 23-25 MB; once gaps between chunks counted too, 1.4 MB and
     * -0.36 MB against 16.8 and 17.3 MB at load 20). The bound (at most twice the compacted
     * size) is for a file above 64 MB; here, at 1.4 MB, the upkeep's own floor ({@link
     * StoreUpkeep#MIN_DEAD_BYTES}) and the chunks of one retention time at the pace of this loop (several
     * times tallyd's) are each as large as the content, so on a quiet host the bound does not hold at
     * this size and is not asserted (see docs/reliability.md, "Store size").
     */
    @Test
    void onceWarmTheUpkeepKeepsTheGrowthUnderHalfOfWhatItIsWithout() throws Exception {
        store = Store.open(url(), QUICK);
        MixedSessions load = new MixedSessions(store, 12);
        append(load, EVENTS);
        settle();
        long size = Files.size(file());
        long compacted = compactedCopy();
        append(load, EVENTS);
        settle();
        long grown = Files.size(file()) - size;
        long content = compactedCopy() - compacted;
        String withUpkeep = store.upkeep();
        store.close();
        store = null;
        long without = growthWithoutUpkeep();
        System.out.println("StoreUpkeepTest: " + EVENTS + " appends grew the file by " + grown + " bytes with the upkeep, "
                + without + " without, for " + content + " bytes of content");
        assertTrue(grown * 2 < without, "the file grew by " + grown + " bytes with the upkeep and " + without
                + " without, for " + content + " bytes of content; " + withUpkeep);
    }

    /** The growth of a second, warm store without the upkeep, from the same appends. */
    private long growthWithoutUpkeep() throws Exception {
        Path other = dir.resolve("without");
        Files.createDirectories(other);
        try (Store plain = Store.open("jdbc:h2:file:" + other.resolve("tally") + BRIEF_RETENTION, QUICK.off())) {
            MixedSessions load = new MixedSessions(plain, 12);
            append(load, EVENTS);
            long size = Files.size(other.resolve("tally.mv.db"));
            append(load, EVENTS);
            return Files.size(other.resolve("tally.mv.db")) - size;
        }
    }

    /**
     * Without the upkeep's rewriting the same appends grow the file by more than five times the issue's
     * bound (measured: 17-20 MB for 0.68 MB with H2 freeing nothing behind a moving header; 10.1 MB on a
     * quiet host once the header pin frees dead chunks behind it once a second, which it does with or
     * without the rewriting).
     */
    @Test
    void withoutTheUpkeepTheSameAppendsGrowTheFileFiveTimesThatMuch() throws Exception {
        store = Store.open(url(), QUICK.off());
        MixedSessions load = new MixedSessions(store, 12);
        append(load, EVENTS);
        long size = Files.size(file());
        long compacted = compactedCopy();
        append(load, EVENTS);
        long grown = Files.size(file()) - size;
        long content = compactedCopy() - compacted;
        assertTrue(grown > 5 * 2 * content, "the file grew by " + grown
                + " bytes for " + content + " bytes of content");
        assertEquals(0, store.upkeepCounts()[1], "no rewriting step: " + store.upkeep());
    }

    /**
     * Waits until the appends' chunks are older than the age at which the upkeep rewrites them
     * ({@link StoreUpkeep#REWRITE_AGE_MS}) and the upkeep has nothing left to rewrite: old chunks' dead bytes and the gaps between chunks are under their shares of the file.
     */
    private void settle() {
        long rounds = store.upkeepCounts()[0];
        try {
            await().atMost(Duration.ofMinutes(5)).until(() -> store.upkeepCounts()[0] > rounds
                    + (2 + StoreUpkeep.REWRITE_AGE_MS / 1000) * ROUNDS_PER_SECOND
                    && store.upkeepSettled());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the upkeep did not settle: " + store.upkeep(), e);
        }
    }

    /**
     * The leaves of the event table and of its index on event ids, written full once and never again, are
     * rewritten into a chunk of their own ({@link SparseChunks#rewriteLeaves}), with only the upper pages
     * of their trees: no page of the indexes on random keys or of the read models, which later commits
     * write again, so the chunk does not die under them and its leaves are not carried from rewrite to
     * rewrite. The same store rewritten by H2's rewrite ({@link SparseChunks#rewrite}, what a step did
     * before) puts all its live pages in one chunk. Each store is rewritten whole by one call, with the
     * upkeep off, so that what is measured does not depend on how fast this host appends: measured
     * through the upkeep's rounds instead (leaves in chunks at least 90 % live), it was 66-82 % on a
     * loaded host and 22 % on a fast one, where the appends' chunks stayed above the fill rate a step takes.
     * Measured here: chunks 1.12 times their leaves apart (the rest the two trees' upper pages), 1.31 together.
     */
    @Test
    void theEventTablesLeavesAreRewrittenIntoAChunkOfTheirOwn() throws Exception {
        long[] apart = chunkWithRewrittenLeaves(true);
        long[] together = chunkWithRewrittenLeaves(false);
        System.out.println("StoreUpkeepTest: the rewritten event table's leaves, " + apart[0] + " bytes, in a chunk of "
                + apart[1] + " bytes apart; " + together[0] + " bytes in a chunk of " + together[1] + " together");
        assertTrue(apart[0] > 1_000_000 && together[0] > 1_000_000, "most leaves rewritten: " + apart[0] + ", " + together[0]);
        assertTrue(apart[1] * 100 < apart[0] * 118, "apart: " + apart[0] + " bytes of leaves in a chunk of " + apart[1]);
        assertTrue(together[1] * 100 > together[0] * 122, "together: " + together[0] + " bytes of leaves in a chunk of "
                + together[1] + " (the test's premise: the store holds pages of other maps in old chunks)");
    }

    /**
     * Appends {@code 2 * EVENTS} with the upkeep off, rewrites every chunk but the newest once they are
     * older than the retention time (leaves apart or all live pages together), and gives the bytes of the
     * growing maps' leaves in the chunk that holds most of them and that chunk's length.
     */
    private long[] chunkWithRewrittenLeaves(boolean apart) throws Exception {
        Path own = dir.resolve(apart ? "apart" : "together");
        Files.createDirectories(own);
        try (Store s = Store.open("jdbc:h2:file:" + own.resolve("tally") + BRIEF_RETENTION, QUICK.off());
             Connection c = s.connections().getConnection()) {
            append(new MixedSessions(s, 12), 2 * EVENTS);
            MVStore mv = StoreUpkeep.mvStore(c);
            List<MVMap<?, ?>> maps = StoreUpkeep.growingMaps(c);
            assertEquals(2, maps.size(), "the event table's growing maps");
            // NONE until the chunks are older than the retention time (200 ms)
            await().atMost(Duration.ofSeconds(30)).until(() -> (apart
                    ? SparseChunks.rewriteLeaves(mv, maps, Integer.MAX_VALUE, 100, 0)
                    : SparseChunks.rewrite(mv, Integer.MAX_VALUE, 100, 0)) == SparseChunks.Outcome.REWRITTEN);
            mv.commit();
            return LeafChunks.chunkWithMostLeaves(mv, maps);
        }
    }

    @Test
    void onANearlyFullDiskTheUpkeepWritesNothing() throws Exception {
        StoreUpkeep.Settings full = new StoreUpkeep.Settings(true, QUICK.period(), 80, 256 << 10, 4,
                QUICK.syncEvery(), Long.MAX_VALUE);
        store = Store.open(url(), full);
        append(new MixedSessions(store, 12), EVENTS / 4);
        long rounds = store.upkeepCounts()[0];
        await().atMost(Duration.ofSeconds(30)).until(() -> store.upkeepCounts()[0] >= rounds + 20);
        assertEquals(0, store.upkeepCounts()[1], "no rewriting step");
    }

    private void append(MixedSessions load, int events) {
        for (int n = 0; n < events; n++) {
            load.appendOne();
        }
    }

    private String url() {
        assertTrue(BRIEF_RETENTION.contains("RETENTION_TIME=200"), BRIEF_RETENTION);
        return "jdbc:h2:file:" + dir.resolve("tally") + BRIEF_RETENTION;
    }

    private Path file() {
        return dir.resolve("tally.mv.db");
    }

    /** The size of a copy of the file (as a crash would leave it) once H2 has compacted it fully. */
    private long compactedCopy() throws Exception {
        Path copy = Files.createTempDirectory(dir, "copy");
        try {
            Files.copy(file(), copy.resolve("c.mv.db"));
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + copy.resolve("c"), "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            return Files.size(copy.resolve("c.mv.db"));
        } finally {
            try (var files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
