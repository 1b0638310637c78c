package dev.tally.store;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.SparseChunks;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.db.MVPrimaryIndex;
import org.h2.schema.Schema;
import org.h2.table.Table;

/**
 * Gives the H2 file's dead space back while the daemon runs (issue 12). With {@code WRITE_DELAY=0}
 * every commit writes a chunk of its own (the changed pages of each table and index it touched), and
 * H2 runs no background thread. That thread is what rewrites the few live pages left in old, mostly
 * dead chunks; without it nearly every chunk stays pinned by a page or two of some index leaf that no
 * later commit touched, and the file grows by a chunk (15-40 KB) per commit until the next start.
 *
 * <p>Each round, a little at a time, does part of what H2's own thread would:
 * <ol>
 * <li>while the dead bytes in partly dead chunks older than {@link #REWRITE_AGE_MS} are more than
 * {@code deadShare} percent of the file, or the gaps between chunks more than {@link #GAP_SHARE} percent
 * (either also more than {@link #MIN_DEAD_BYTES}), it rewrites at most {@code writeLimit} bytes of the
 * live pages of the emptiest of them ({@link #FILL_RATES}, {@link SparseChunks}) under H2's store lock
 * (a commit waits for at most one such step) and commits them as one more chunk, up to
 * {@code stepsPerRound} times (four times that when they are more than twice their shares). A step first
 * takes, alone, the leaves of the event table in those chunks ({@link #coldMaps()}), and only when there are
 * none the rest: a leaf of the log never changes once full, and rewritten with the pages of indexes on
 * random keys it went to a chunk those pages soon left mostly dead, to be carried along by every later
 * rewrite of it (57 % of what the upkeep rewrote in the mixed daemon run). A share,
 * not a fill rate: each step's chunk holds upper pages of the trees that the next step writes again,
 * and leaves of the indexes on random keys (aggregate and container ids) that later commits write
 * again, so chunks rewritten are never quite full, and a fill rate would keep an idle daemon rewriting;
 * <li>it frees the chunks that hold nothing live, died more than the retention time ago and are read by
 * no statement H2 tracks (a commit does that too; this does it when no commit comes); new chunks
 * are written into the space so freed, so the file stops growing;
 * <li>at most once per {@code syncEvery} it moves the {@link HeaderPin}: the store header is made to name
 * the newest chunk, the file is forced to the disk, and only then may H2 free the chunks that died
 * before it. Until then H2 frees no chunk that its recovery after a kill would read.
 * </ol>
 * With {@code enabled} off it does only the last (and the freeing): the pin is what makes H2's own reuse
 * of freed space safe to kill, with the upkeep or without it.
 * While the read models are rebuilt ({@link #setAside()}: a replay reads the whole log and writes every
 * model in one transaction) the rounds rewrite only when the dead bytes or the gaps are more than {@code
 * asideShare} percent of the file: the replay has the two cores and H2's store lock to itself, the pin
 * still moves, and a replay that runs for an hour leaves a file at most a bounded multiple of its content.
 * It does not move chunks to the front of the file to shrink it, as H2's own thread may: a moved
 * chunk's old place is given back at once, whatever the retention time and whoever still reads it.
 * New chunks fill the gaps from the front; the file's end, once free, is cut by each round
 * ({@link SparseChunks#cutFreeEnd}: H2 cuts it only when it writes a chunk elsewhere than at the end, so
 * an idle file kept the length of its last burst); a file far larger than its content shrinks at the
 * next start ({@link StoreCompaction}).
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
     * H2's RETENTION_TIME for the store once the upkeep has pinned the header (H2's default is 45 s): a
     * chunk is freed no sooner than this after it was written, so the file keeps about this long of the
     * commits' chunks beyond its live data, and as much again of chunks that died and wait behind the
     * pin or behind younger dead ones (at 100 commits/s of some 26 KB, 2-5 MB in all; at 5 s it was
     * 20-30 MB, a third of a 64 MB file). What a kill or a power loss could lose is guarded by the
     * {@link HeaderPin}, not by this time, and readers by H2 itself: every statement holds the version it
     * reads (with ANALYZE_AUTO=0, {@link Store#H2_SETTINGS}, none reads outside one), and the daemon's
     * long reads (replays, the audit's verify, {@code /events} streams) are pages of one statement each.
     * Set in the URL ({@link Store#H2_SETTINGS}): H2 applies a URL's settings again at every new
     * session, so a retention set on the store afterwards lasted only until the pool opened its next
     * connection (in the mixed daemon run, dead chunks waited up to 5 s: 16 MB of a 56 MB file). Chunks
     * are rewritten only once older than {@link #REWRITE_AGE_MS}.
     */
    static final int RETENTION_MS = 1_000;

    /**
     * The age below which a chunk is not rewritten (it may still be freed once the retention time has
     * passed): the live pages of a chunk a second old are often pages that the next commits replace
     * anyway. {@code tally.store.upkeep.rewriteAgeMs} changes it.
     */
    static final int REWRITE_AGE_MS = Integer.getInteger("tally.store.upkeep.rewriteAgeMs", 2_000);

    /**
     * Whether a step first rewrites the leaves of the event table apart ({@link #coldMaps()}); {@code
     * tally.store.upkeep.apart=false} turns it off, to measure what it gives.
     */
    static final boolean APART = Boolean.parseBoolean(System.getProperty("tally.store.upkeep.apart", "true"));

    /** The event table's maps whose keys only grow: its own and its index on event ids ({@link #coldMaps()}). */
    static final int GROWING_MAPS = 2;

    /** The most bytes of live pages one step rewrites, for a chunk whose live pages alone exceed {@code writeLimit}. */
    static final int MAX_WRITE_LIMIT = 4 << 20;

    private static final long MB = 1L << 20;

    /** The share (percent) of the file in gaps between chunks above which a round rewrites old chunks. */
    static final int GAP_SHARE = 25;

    /**
     * The live shares (percent) of the chunks a rewriting step takes, in turn: those at most 80 % live
     * (H2 takes the emptiest and oldest of them first), then fuller ones only when there are none. H2's
     * public {@code MVStore.compact} takes any chunk that is not quite full, oldest first: under a steady
     * load it spent its steps on old, dense chunks (a compacted store's, or the upkeep's own) that had
     * lost a page or two, while the dead bytes piled up elsewhere.
     */
    static final int[] FILL_RATES = {80, 100};

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
     * @param asideShare while the upkeep is set aside ({@link #setAside()}), the share (percent) of the file
     *                   dead in old chunks, or in gaps, above which a round rewrites all the same: the bound
     *                   on what a long replay leaves (at 50, a file at most about four times its live chunks)
     */
    record Settings(boolean enabled, Duration period, int deadShare, int writeLimit, int stepsPerRound,
                    Duration syncEvery, long minFreeBytes, int asideShare) {

        static final Settings DEFAULT = new Settings(true, Duration.ofMillis(250), 10, 256 << 10, 2,
                Duration.ofMillis(500), 64L << 20, 50);

        /** These settings with the share above which a round rewrites while set aside at its default. */
        Settings(boolean enabled, Duration period, int deadShare, int writeLimit, int stepsPerRound, Duration syncEvery,
                 long minFreeBytes) {
            this(enabled, period, deadShare, writeLimit, stepsPerRound, syncEvery, minFreeBytes, 50);
        }

        /** These settings with the upkeep turned off. */
        Settings off() {
            return new Settings(false, period, deadShare, writeLimit, stepsPerRound, syncEvery, minFreeBytes, asideShare);
        }

        /** These settings with this share above which a round rewrites while set aside. */
        Settings asideShare(int share) {
            return new Settings(enabled, period, deadShare, writeLimit, stepsPerRound, syncEvery, minFreeBytes, share);
        }

        /**
         * The defaults, changed by system properties: {@code tally.store.upkeep=false} turns the rewriting
         * off (the header pin stays); {@code tally.store.upkeep.periodMs}, {@code .deadShare}, {@code .writeBytes},
         * {@code .steps}, {@code .syncMs}, {@code .minFreeBytes} and {@code .asideShare} tune it.
         */
        static Settings fromSystemProperties() {
            return new Settings(Boolean.parseBoolean(System.getProperty("tally.store.upkeep", "true")),
                    Duration.ofMillis(Long.getLong("tally.store.upkeep.periodMs", DEFAULT.period.toMillis())),
                    Integer.getInteger("tally.store.upkeep.deadShare", DEFAULT.deadShare),
                    Integer.getInteger("tally.store.upkeep.writeBytes", DEFAULT.writeLimit),
                    Integer.getInteger("tally.store.upkeep.steps", DEFAULT.stepsPerRound),
                    Duration.ofMillis(Long.getLong("tally.store.upkeep.syncMs", DEFAULT.syncEvery.toMillis())),
                    Long.getLong("tally.store.upkeep.minFreeBytes", DEFAULT.minFreeBytes),
                    Integer.getInteger("tally.store.upkeep.asideShare", DEFAULT.asideShare));
        }
    }

    private final MVStore store;
    private final DataSource pool;
    private final Settings settings;
    /** The maps whose leaves no commit changes once written full ({@link #coldMaps()}); empty until the event table is there. */
    private List<MVMap<?, ?>> coldMaps = List.of();
    private final HeaderPin pin;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, THREAD_NAME);
        t.setDaemon(true);
        return t;
    });
    private long lastSync = System.nanoTime();
    private volatile long rounds;
    /** Rounds that cut the file's free end ({@link SparseChunks#cutFreeEnd}). */
    private volatile long cuts;
    private volatile long steps;
    /** Steps that rewrote the leaves of {@link #coldMaps} alone. */
    private volatile long coldSteps;
    /** The longest and the total time of the rewriting steps with their commits, which requests' commits wait for (ns). */
    private volatile long stepMaxNanos;
    private volatile long stepTotalNanos;
    /** Times the pin moved to a newer chunk. */
    private volatile long pinMoves;
    /** How many callers have set the upkeep aside and not yet let it go ({@link #setAside()}). */
    private final AtomicInteger asides = new AtomicInteger();
    private String lastFailure = "";

    private StoreUpkeep(MVStore store, DataSource pool, Settings settings) {
        this.store = store;
        this.pool = pool;
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
            upkeep = new StoreUpkeep(mvStore(pool), pool, settings);
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

    /**
     * Runs a round now, on the upkeep's thread (after the round under way, if one is), and waits for its end:
     * for tests that drive the rounds themselves, with a period longer than the test, so that what a round
     * finds does not depend on how fast the host appended meanwhile.
     */
    void roundNow() {
        try {
            thread.submit(this::round).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new StoreException("run a round of the store upkeep", e);
        }
    }

    /** Rounds ended, rewriting steps done and moves of the header pin so far: for tests and {@link #toString()}. */
    long[] counts() {
        return new long[] {rounds, steps, pinMoves};
    }

    /**
     * Sets the rewriting aside until the returned handle is run (once): a round then rewrites only above
     * {@code asideShare} ({@link Settings}); it still moves the pin and frees dead chunks. For a rebuild
     * of the read models, which reads the whole log at once and has nothing to gain from a rewrite beside
     * it. Callers may overlap: the upkeep rewrites as usual again once the last has let go.
     */
    Runnable setAside() {
        asides.incrementAndGet();
        AtomicInteger once = new AtomicInteger();
        return () -> {
            if (once.getAndIncrement() == 0) {
                asides.decrementAndGet();
            }
        };
    }

    /**
     * Whether a round would rewrite nothing now: the partly dead chunks older than the retention time
     * hold no more dead bytes than the settings allow. For tests and benchmarks.
     */
    boolean settled() {
        return !worthRewriting(store.getFileStore(), false);
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
        long[] byFill = new long[5];
        long[] deadByFill = new long[5];
        long[] chunksByFill = new long[5];
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
                    long max = hex(chunk, "max", "0");
                    long liveMax = hex(chunk, "liveMax", chunk.getOrDefault("max", "0"));
                    oldLive += liveMax;
                    int bin = max == 0 ? 0 : (int) Math.min(4, liveMax * 5 / max);
                    byFill[bin] += bytes;
                    deadByFill[bin] += max - liveMax;
                    chunksByFill[bin]++;
                }
            }
        }
        return "youngMB=" + young / MB + " deadMB=" + dead / MB + " oldMB=" + old / MB + " oldLiveMB=" + oldLive / MB
                + " gapsMB=" + file.size() * (100 - file.getFillRate()) / 100 / MB + " rounds=" + rounds + " cuts=" + cuts
                + " steps=" + steps + " coldSteps=" + coldSteps + " pinMoves=" + pinMoves + " aside=" + asides.get() + " stepMaxMs=" + stepMaxNanos / 1_000_000
                + " stepMeanMs=" + (steps == 0 ? 0 : stepTotalNanos / steps / 1_000_000) + " fileFill=" + file.getFillRate()
                + " oldDeadBytes=" + oldDeadBytes(file) + " chunksFill=" + file.getChunksFillRate()
                + " oldByFifths(chunks/KB/deadKB)=" + IntStream.range(0, 5).mapToObj(i -> chunksByFill[i] + "/"
                + byFill[i] / 1024 + "/" + deadByFill[i] / 1024).collect(Collectors.joining(","));
    }

    private void round() {
        try {
            if (store.isClosed()) {
                return;
            }
            FileStore<?> file = store.getFileStore();
            long usable = settings.minFreeBytes() <= 0 ? Long.MAX_VALUE : usableBytes(file);
            if (settings.enabled() && usable >= settings.minFreeBytes()) {
                rewrite(file, usable, asides.get() > 0);
            }
            pinIfDue(file, usable);
            if (SparseChunks.cutFreeEnd(store)) {
                cuts++;
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

    /**
     * Rewrites old chunks while they are worth it, the sparsest first: chunks at most
     * {@link #FILL_RATES}[0] percent live, then fuller ones only when there are no such (a step rewrites
     * some chunks' live pages and commits them as one chunk). Up to {@code stepsPerRound} steps, four
     * times that many while the dead bytes or the gaps are more than twice their shares (the upkeep has
     * fallen behind a fast load). A step that waited 10 ms for H2's lock in vain (a commit held it) ends
     * the round. Set aside, only while they are more than {@code asideShare} percent of the file.
     */
    private void rewrite(FileStore<?> file, long usable, boolean aside) {
        // Each look reads every chunk's entry in the layout: once before the first step (none for "behind"
        // in a round with nothing to rewrite), then once after each step that rewrote; a step that found
        // nothing at one fill rate or limit changed nothing and is not followed by one.
        if (!worthRewriting(file, aside)) {
            return;
        }
        int limit = settings.writeLimit();
        int fill = 0;
        int maxSteps = settings.stepsPerRound() * (behind(file) ? 4 : 1);
        for (int step = 0; step < maxSteps && !thread.isShutdown(); ) {
            long began = System.nanoTime();
            SparseChunks.Outcome done;
            boolean cold = false;
            try {
                // Not from fuller chunks: a chunk of leaves is never quite full (the upper pages written
                // with them die at the next append), and taking it would rewrite the same leaves again and again.
                List<MVMap<?, ?>> maps = APART && fill == 0 ? coldMaps() : List.of();
                if (!maps.isEmpty()) {
                    done = SparseChunks.rewriteLeaves(store, maps, limit, FILL_RATES[fill], rewriteAge());
                    cold = done == SparseChunks.Outcome.REWRITTEN;
                    if (done == SparseChunks.Outcome.BUSY) {
                        return;
                    }
                }
                done = cold ? SparseChunks.Outcome.REWRITTEN : SparseChunks.rewrite(store, limit, FILL_RATES[fill], rewriteAge());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (done == SparseChunks.Outcome.BUSY) {
                return;
            }
            if (done == SparseChunks.Outcome.NONE) {
                if (fill + 1 < FILL_RATES.length) {
                    fill++;
                    continue;
                }
                // H2 rewrites no chunk whose live pages alone are more than the limit: such a chunk (one
                // written by the compaction at start, say) gets a longer step of its own.
                if (limit >= MAX_WRITE_LIMIT) {
                    return;
                }
                limit = Math.min(MAX_WRITE_LIMIT, limit * 4);
                continue;
            }
            if (cold) {
                coldSteps++;
            } else {
                store.commit();
            }
            long took = System.nanoTime() - began;
            stepMaxNanos = Math.max(stepMaxNanos, took);
            stepTotalNanos += took;
            steps++;
            step++;
            limit = settings.writeLimit();
            pinIfDue(file, usable);
            if (!worthRewriting(file, aside)) {
                return;
            }
        }
    }

    /**
     * The maps of the event table whose keys only grow from append to append: the table's own (by the
     * global index) and the index on the event identifiers (time-ordered, {@link TimeOrderedIdentifiers}).
     * A commit writes their last leaf and the path to it; every other leaf is written full once and never
     * changes (events are forever), so the upkeep rewrites those leaves into chunks of their own
     * ({@link SparseChunks#rewriteLeaves}) before the rest. Not the index on aggregate ids: those are random,
     * and a commit writes a leaf anywhere in it. Looked up until both are there, and again when its maps
     * were closed (the table was copied).
     */
    private List<MVMap<?, ?>> coldMaps() {
        // Again when a map was closed: adding the chain's column to a table from before it copies the table.
        // Until both are found: H2's CREATE TABLE puts the table in the schema before the indexes of its
        // constraints, and a round that looked in between kept the table's map alone until the next start.
        if (coldMaps.size() < GROWING_MAPS || coldMaps.stream().anyMatch(MVMap::isClosed)) {
            try (Connection c = pool.getConnection()) {
                coldMaps = growingMaps(c);
            } catch (SQLException e) {
                throw new StoreException("find the event table's maps", e);
            } catch (ConcurrentModificationException | NoSuchElementException | IndexOutOfBoundsException e) {
                // H2's list of the table's indexes changed under the look (the start's DDL adds them, and no lock
                // of H2's guards that list for a reader): what was found stays, the next round looks again. It
                // ended the round, "store upkeep: java.util.ConcurrentModificationException" (StoreUpkeepCrashTest)
            }
        }
        return coldMaps;
    }

    /** The maps of the event table whose keys only grow ({@link #coldMaps()}) in the store of this connection; none before it has the table. */
    static List<MVMap<?, ?>> growingMaps(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        Database db = session.getDatabase();
        Schema schema = db.findSchema(db.sysIdentifier("PUBLIC"));
        Table events = schema == null ? null
                : schema.findTableOrView(session, db.sysIdentifier(ChainSchema.EVENTS.domainEventTable().toUpperCase(Locale.ROOT)));
        if (events == null) {
            return List.of();
        }
        List<String> growing = List.of(ChainSchema.EVENTS.globalIndexColumn(), ChainSchema.EVENTS.eventIdentifierColumn());
        List<MVMap<?, ?>> maps = new ArrayList<>();
        for (Index index : events.getIndexes()) {
            if (index instanceof MVIndex<?, ?> mv && !maps.contains(mv.getMVMap()) && (index instanceof MVPrimaryIndex
                    || index.getIndexColumns().length > 0
                    && growing.stream().anyMatch(index.getIndexColumns()[0].columnName::equalsIgnoreCase))) {
                maps.add(mv.getMVMap());
            }
        }
        return List.copyOf(maps);
    }

    /**
     * Moves the pin when {@code syncEvery} has passed since it last moved (also between the steps of a
     * round: a round of eight steps on a busy host took seconds, and the chunks that died meanwhile waited
     * behind the pin: 9 MB of a 38 MB file in the mixed daemon run), and frees the dead chunks behind it.
     */
    private void pinIfDue(FileStore<?> file, long usable) {
        if (usable >= DiskReserve.DEFAULT_BYTES && System.nanoTime() - lastSync >= settings.syncEvery().toNanos()) {
            long pinned = pin.version();
            pin.advance();
            if (pin.version() != pinned) {
                pinMoves++;
            }
            lastSync = System.nanoTime();
            // A commit frees the dead chunks behind the pin; this frees them when no commit comes.
            store.executeFilestoreOperation(file::dropUnusedChunks);
        }
    }

    private static long usableBytes(FileStore<?> file) throws IOException {
        return Files.getFileStore(Store.hostPath(file.getFileName())).getUsableSpace();
    }

    /**
     * Whether old chunks are worth rewriting: their dead bytes are more than {@code deadShare} percent of
     * the file, or the gaps between chunks more than {@link #GAP_SHARE} percent. The gaps count because
     * H2 puts a chunk in the first gap it fits: a gap narrower than a commit's chunk stays empty while the
     * file grows at its end, until the partly live chunks beside it are rewritten and die, which joins it
     * with theirs (measured: 5,000 appends at a 200 ms retention left 54 % of the file in gaps while old
     * chunks held 1 MB dead, so dead bytes alone started nothing and the file did not shrink). Gaps have a
     * share of their own, larger: under a steady load chunks die and leave gaps all the time, which the
     * next commits fill (at 10 %, the upkeep rewrote in nearly every round). Set aside, both shares are
     * {@code asideShare}.
     */
    private boolean worthRewriting(FileStore<?> file, boolean aside) {
        if (settings.deadShare() < 0) {
            return true;
        }
        return aside ? over(file, settings.asideShare(), settings.asideShare()) : over(file, settings.deadShare(), GAP_SHARE);
    }

    /** Whether the dead bytes or the gaps are more than twice their shares: the rewriting has fallen behind. */
    private boolean behind(FileStore<?> file) {
        return settings.deadShare() >= 0 && over(file, 2 * settings.deadShare(), 2 * GAP_SHARE);
    }

    private boolean over(FileStore<?> file, int deadShare, int gapShare) {
        long size = file.size();
        long dead = oldDeadBytes(file);
        long gaps = size * (100 - file.getFillRate()) / 100;
        return dead > MIN_DEAD_BYTES && dead * 100 > (long) deadShare * size
                || gaps > MIN_DEAD_BYTES && gaps * 100 > (long) gapShare * size;
    }

    /** {@link #REWRITE_AGE_MS}, or 0 when the settings rewrite always (tests: deadShare below 0). */
    private int rewriteAge() {
        return settings.deadShare() < 0 ? 0 : REWRITE_AGE_MS;
    }

    /**
     * The dead bytes in the chunks the upkeep may rewrite: partly live, and older than the retention time
     * and {@link #REWRITE_AGE_MS} (younger ones are kept as they are anyway). Read from the file's layout,
     * which each commit brings up to date.
     */
    private long oldDeadBytes(FileStore<?> file) {
        long oldest = System.currentTimeMillis() - file.getCreationTime()
                - Math.max(Math.max(store.getRetentionTime(), 0), rewriteAge());
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
