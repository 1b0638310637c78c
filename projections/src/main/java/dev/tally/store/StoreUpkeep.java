package dev.tally.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * Gives the H2 file's dead space back while the daemon runs (issue 12). With {@code WRITE_DELAY=0}
 * every commit writes a chunk of its own (the changed pages of each table and index it touched), and
 * H2 runs no background thread. That thread is what rewrites the few live pages left in old, mostly
 * dead chunks; without it nearly every chunk stays pinned by a page or two of some index leaf that no
 * later commit touched, and the file grows by a chunk (15-40 KB) per commit until the next start.
 *
 * <p>Each round, a little at a time, does part of what H2's own thread would:
 * <ol>
 * <li>while the dead bytes in partly dead chunks older than the retention time ({@link #RETENTION_MS})
 * are more than {@code deadShare} percent of the file, or the gaps between chunks more than
 * {@link #GAP_SHARE} percent (either also more than {@link #MIN_DEAD_BYTES}), it
 * rewrites at most {@code writeLimit} bytes of the live pages of the emptiest of them under H2's store
 * lock (a commit waits for at most one such step) and commits them as one more chunk, up to
 * {@code stepsPerRound} times. A share, not a fill rate: each step's chunk holds upper pages of the
 * trees that the next step writes again, so chunks rewritten at idle are never quite full, and a
 * fill rate would keep an idle daemon rewriting;
 * <li>it frees the chunks that hold nothing live, died more than the retention time ago and are read by
 * no statement H2 tracks (a commit does that too; this does it when no commit comes); new chunks
 * are written into the space so freed, so the file stops growing;
 * <li>at most once per {@code syncEvery} it moves the {@link HeaderPin}: the store header is made to name
 * the newest chunk, the file is forced to the disk, and only then may H2 free the chunks that died
 * before it. Until then H2 frees no chunk that its recovery after a kill would read.
 * </ol>
 * With {@code enabled} off it does only the last (and the freeing): the pin is what makes H2's own reuse
 * of freed space safe to kill, with the upkeep or without it.
 * It does not move chunks to the front of the file to shrink it, as H2's own thread may: a moved
 * chunk's old place is given back at once, whatever the retention time and whoever still reads it.
 * New chunks fill the gaps from the front, and H2 cuts the file's end once it is free; a file far larger
 * than its content shrinks at the next start ({@link StoreCompaction}).
 * Nothing acknowledged is at risk: rewritten pages are committed data written to a new place, and a
 * chunk is overwritten only when dead, older than the retention time and behind the pin. When the file
 * system has less than {@code minFreeBytes} usable, a round rewrites nothing, and below the requests'
 * reserve ({@link DiskReserve#DEFAULT_BYTES}) it does not move the pin either: the space left is for the
 * requests' commits (which report a full disk clearly), and a failed write here would close the store.
 */
final class StoreUpkeep implements AutoCloseable {

    /** The name of the thread, as {@code jstack} and {@code top -H} show it. */
    static final String THREAD_NAME = "tallyd-store-upkeep";

    /**
     * H2's RETENTION_TIME for the store (H2's default is 45 s): a chunk is rewritten or freed no sooner
     * than this after it was written, so the file keeps about this long of the commits' chunks beyond its
     * live data (at tallyd's pace, 30 commits/s of some 35 KB, about 5 MB). What a kill or a power loss
     * could lose is guarded by the {@link HeaderPin}, not by this time, and readers by H2 itself: every
     * statement holds the version it reads (with ANALYZE_AUTO=0, {@link Store#H2_SETTINGS}, none reads
     * outside one), and the daemon's long reads (replays, the audit's verify, {@code /events} streams) are
     * pages of one statement each. What it still guards: the moments between H2's open and the pin
     * (after {@link StoreRecovery} every chunk a recovery would then read is younger than that), and
     * it keeps the upkeep from rewriting chunks that die on their own within seconds.
     */
    static final int RETENTION_MS = 5_000;

    /** The most bytes of live pages one step rewrites, for a chunk whose live pages alone exceed {@code writeLimit}. */
    static final int MAX_WRITE_LIMIT = 4 << 20;

    private static final long MB = 1L << 20;

    /** The share (percent) of the file in gaps between chunks above which a round rewrites old chunks. */
    static final int GAP_SHARE = 25;

    /** Dead bytes in old chunks below which a round rewrites nothing, whatever the file's size. */
    static final long MIN_DEAD_BYTES = 1L << 20;

    /**
     * How the upkeep runs.
     *
     * @param enabled false: it rewrites nothing (the thread still moves the header pin; for measuring the store without it)
     * @param period the pause between rounds
     * @param deadShare the share (percent) of the file dead in old, partly live chunks above which a round
     *                  rewrites them; below 0: always (for tests)
     * @param writeLimit bytes of pages rewritten per hold of H2's store lock (a request's commit waits for
     *                   one such step at most: 64 KB took 6-14 ms on average and 257 ms at most on a host at
     *                   load 20, 256 KB 16-27 ms and 304 ms)
     * @param stepsPerRound lock holds (each followed by a commit) per round at most
     * @param syncEvery the longest time between two forces of the file to the disk
     * @param minFreeBytes below this much usable space on the file system, a round writes nothing (0: not looked at)
     */
    record Settings(boolean enabled, Duration period, int deadShare, int writeLimit, int stepsPerRound,
                    Duration syncEvery, long minFreeBytes) {

        static final Settings DEFAULT = new Settings(true, Duration.ofMillis(250), 10, 64 << 10, 4,
                Duration.ofSeconds(1), 64L << 20);

        /** These settings with the upkeep turned off. */
        Settings off() {
            return new Settings(false, period, deadShare, writeLimit, stepsPerRound, syncEvery, minFreeBytes);
        }

        /**
         * The defaults, changed by system properties: {@code tally.store.upkeep=false} turns the rewriting
         * off (the header pin stays); {@code tally.store.upkeep.periodMs}, {@code .deadShare}, {@code .writeBytes},
         * {@code .steps}, {@code .syncMs} and {@code .minFreeBytes} tune it.
         */
        static Settings fromSystemProperties() {
            return new Settings(Boolean.parseBoolean(System.getProperty("tally.store.upkeep", "true")),
                    Duration.ofMillis(Long.getLong("tally.store.upkeep.periodMs", DEFAULT.period.toMillis())),
                    Integer.getInteger("tally.store.upkeep.deadShare", DEFAULT.deadShare),
                    Integer.getInteger("tally.store.upkeep.writeBytes", DEFAULT.writeLimit),
                    Integer.getInteger("tally.store.upkeep.steps", DEFAULT.stepsPerRound),
                    Duration.ofMillis(Long.getLong("tally.store.upkeep.syncMs", DEFAULT.syncEvery.toMillis())),
                    Long.getLong("tally.store.upkeep.minFreeBytes", DEFAULT.minFreeBytes));
        }
    }

    private final MVStore store;
    private final Settings settings;
    private final HeaderPin pin;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, THREAD_NAME);
        t.setDaemon(true);
        return t;
    });
    private long lastSync = System.nanoTime();
    private volatile long rounds;
    private volatile long steps;
    /** The longest and the total time of the rewriting steps with their commits, which requests' commits wait for (ns). */
    private volatile long stepMaxNanos;
    private volatile long stepTotalNanos;
    private String lastFailure = "";

    private StoreUpkeep(MVStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
        this.pin = HeaderPin.take(store);
    }

    /**
     * Starts the upkeep of the H2 file database that this pool's connections open, its header pin taken
     * before this returns; none (empty) for any other database.
     */
    static Optional<StoreUpkeep> start(String url, DataSource pool, Settings settings) {
        if (Store.h2Base(url).isEmpty()) {
            return Optional.empty();
        }
        StoreUpkeep upkeep;
        try {
            upkeep = new StoreUpkeep(mvStore(pool), settings);
        } catch (RuntimeException e) {
            throw e instanceof StoreException ? e : new StoreException("pin the store header", e);
        }
        long period = settings.period().toMillis();
        upkeep.thread.scheduleWithFixedDelay(upkeep::round, period, period, TimeUnit.MILLISECONDS);
        return Optional.of(upkeep);
    }

    /** The MVStore under an embedded H2 database. */
    private static MVStore mvStore(DataSource pool) {
        try (Connection c = pool.getConnection()) {
            return mvStore(c);
        } catch (SQLException e) {
            throw new StoreException("reach the H2 file under the store for its upkeep", e);
        }
    }

    /** The MVStore under the embedded H2 database of this connection. */
    static MVStore mvStore(Connection c) throws SQLException {
        try {
            SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
            return session.getDatabase().getStore().getMvStore();
        } catch (ClassCastException e) {
            throw new SQLException("not an embedded H2 database", e);
        }
    }

    /** Rounds ended and rewriting steps done so far: for tests and {@link #toString()}. */
    long[] counts() {
        return new long[] {rounds, steps};
    }

    /**
     * Whether a round would rewrite nothing now: the partly dead chunks older than the retention time
     * hold no more dead bytes than the settings allow. For tests and benchmarks.
     */
    boolean settled() {
        return !worthRewriting(store.getFileStore());
    }

    @Override
    public String toString() {
        FileStore<?> file = store.getFileStore();
        // Where the file's bytes are: chunks younger than the retention time, dead ones not freed yet,
        // the others (with their live bytes as H2 estimates them), and gaps between chunks.
        long oldest = System.currentTimeMillis() - file.getCreationTime() - Math.max(store.getRetentionTime(), 0);
        long young = 0;
        long dead = 0;
        long old = 0;
        long oldLive = 0;
        for (Map.Entry<String, String> e : file.getLayoutMap().entrySet()) {
            if (e.getKey().startsWith("chunk.")) {
                Map<String, String> chunk = DataUtils.parseMap(e.getValue());
                long bytes = hex(chunk, "len", "0") * 4096; // H2 allocates blocks of 4 KB
                if (hex(chunk, "time", "0") > oldest) {
                    young += bytes;
                } else if (hex(chunk, "livePages", chunk.getOrDefault("pages", "0")) == 0) {
                    dead += bytes;
                } else {
                    old += bytes;
                    oldLive += hex(chunk, "liveMax", chunk.getOrDefault("max", "0"));
                }
            }
        }
        return "youngMB=" + young / MB + " deadMB=" + dead / MB + " oldMB=" + old / MB + " oldLiveMB=" + oldLive / MB
                + " gapsMB=" + file.size() * (100 - file.getFillRate()) / 100 / MB + " rounds=" + rounds
                + " steps=" + steps + " stepMaxMs=" + stepMaxNanos / 1_000_000
                + " stepMeanMs=" + (steps == 0 ? 0 : stepTotalNanos / steps / 1_000_000) + " fileFill=" + file.getFillRate()
                + " oldDeadBytes=" + oldDeadBytes(file) + " chunksFill=" + file.getChunksFillRate();
    }

    private void round() {
        try {
            if (store.isClosed()) {
                return;
            }
            FileStore<?> file = store.getFileStore();
            long usable = settings.minFreeBytes() <= 0 ? Long.MAX_VALUE : usableBytes(file);
            if (settings.enabled() && usable >= settings.minFreeBytes()) {
                int limit = settings.writeLimit();
                for (int step = 0; step < settings.stepsPerRound() && worthRewriting(file)
                        && !thread.isShutdown(); step++) {
                    long began = System.nanoTime();
                    if (!store.compact(101, limit)) {
                        // H2 rewrites no chunk whose live pages alone are more than the limit: such a
                        // chunk (one written by the compaction at start, say) gets a longer step of its own.
                        if (limit >= MAX_WRITE_LIMIT) {
                            break;
                        }
                        limit = Math.min(MAX_WRITE_LIMIT, limit * 4);
                        continue;
                    }
                    store.commit();
                    long took = System.nanoTime() - began;
                    stepMaxNanos = Math.max(stepMaxNanos, took);
                    stepTotalNanos += took;
                    steps++;
                    limit = settings.writeLimit();
                }
            }
            if (usable >= DiskReserve.DEFAULT_BYTES && System.nanoTime() - lastSync >= settings.syncEvery().toNanos()) {
                pin.advance();
                lastSync = System.nanoTime();
                // A commit frees the dead chunks behind the pin; this frees them when no commit comes.
                store.executeFilestoreOperation(file::dropUnusedChunks);
            }
            rounds++;
        } catch (RuntimeException | IOException e) {
            // Said once per kind of failure, not every 250 ms; the requests' own commits report theirs.
            if (!e.toString().equals(lastFailure) && !store.isClosed()) {
                lastFailure = e.toString();
                System.err.println("tallyd: store upkeep: " + e);
            }
        }
    }

    private static long usableBytes(FileStore<?> file) throws IOException {
        return Files.getFileStore(Path.of(file.getFileName())).getUsableSpace();
    }

    /**
     * Whether old chunks are worth rewriting: their dead bytes are more than {@code deadShare} percent of
     * the file, or the gaps between chunks more than {@link #GAP_SHARE} percent. The gaps count because
     * H2 puts a chunk in the first gap it fits: a gap narrower than a commit's chunk stays empty while the
     * file grows at its end, until the partly live chunks beside it are rewritten and die, which joins it
     * with theirs (measured: 5,000 appends at a 200 ms retention left 54 % of the file in gaps while old
     * chunks held 1 MB dead, so dead bytes alone started nothing and the file did not shrink). Gaps have a
     * share of their own, larger: under a steady load chunks die and leave gaps all the time, which the
     * next commits fill (at 10 %, the upkeep rewrote in nearly every round).
     */
    private boolean worthRewriting(FileStore<?> file) {
        if (settings.deadShare() < 0) {
            return true;
        }
        long size = file.size();
        long dead = oldDeadBytes(file);
        long gaps = size * (100 - file.getFillRate()) / 100;
        return dead > MIN_DEAD_BYTES && dead * 100 > settings.deadShare() * size
                || gaps > MIN_DEAD_BYTES && gaps * 100 > GAP_SHARE * size;
    }

    /**
     * The dead bytes in the chunks H2 may rewrite: partly live, and older than the retention time
     * (younger ones are kept as they are anyway). Read from the file's layout, which each commit brings
     * up to date.
     */
    private long oldDeadBytes(FileStore<?> file) {
        long oldest = System.currentTimeMillis() - file.getCreationTime() - Math.max(store.getRetentionTime(), 0);
        long dead = 0;
        for (Map.Entry<String, String> e : file.getLayoutMap().entrySet()) {
            if (!e.getKey().startsWith("chunk.")) {
                continue;
            }
            Map<String, String> chunk = DataUtils.parseMap(e.getValue());
            long pages = hex(chunk, "pages", "0");
            long livePages = hex(chunk, "livePages", chunk.getOrDefault("pages", "0"));
            if (livePages > 0 && livePages < pages && hex(chunk, "time", "0") <= oldest) {
                dead += hex(chunk, "max", "0") - hex(chunk, "liveMax", chunk.getOrDefault("max", "0"));
            }
        }
        return dead;
    }

    private static long hex(Map<String, String> chunk, String key, String otherwise) {
        return Long.parseLong(chunk.getOrDefault(key, otherwise), 16);
    }

    /**
     * Stops the thread, waiting for a round in progress to end, and lets go of the header pin (the
     * database is closed after this: see {@link HeaderPin#release()}). Not by interrupting it: an
     * interrupt during a write would close H2's file channel under the store.
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                System.err.println("tallyd: store upkeep: a round did not end within 10 s of the close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pin.release();
    }
}
