package dev.tally.store;

import dev.tally.domain.audit.EventChain;
import dev.tally.domain.event.StoredEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;

/**
 * The daemon's store, one database: the event table and its hash chain, the engine through which
 * Axon appends to it, the transactions in which events and read models commit together, and the
 * ways to read the log back ({@link #log()}, {@link #chain()}). One per database and process: its
 * engine appends under a lock of its own, so a second engine on the same table would break the chain.
 */
public final class Store implements AutoCloseable {

    /**
     * WRITE_DELAY=0: a commit reaches the OS before the command is acknowledged, so a kill -9 of the
     * daemon loses no acknowledged event (H2 buffers commits for 500 ms by default).
     * MAX_LENGTH_INPLACE_LOB=4096: event payloads up to 4 KB stay in their row instead of H2's separate
     * LOB storage (256 bytes by default, which a container's creation exceeds); reading them back for
     * verify, replays and events is then several times faster.
     * ANALYZE_AUTO=0: H2 does not analyze a table inside a commit after every 2,000 changed rows. That
     * analysis walks the table outside any statement, so H2 does not hold the version it reads, and
     * once the chunks it reads are older than RETENTION_TIME they may be freed under it ("Chunk … not
     * found", failing the commit it runs in): it did so with {@link StoreUpkeep} on a busy host. Without it,
     * H2 plans queries from its default selectivity (the store's queries go by their indexes anyway).
     * RETENTION_TIME: a chunk is overwritten no sooner than this after it was written; what the file
     * keeps beyond its live data is about this long of commits (see {@link StoreUpkeep#RETENTION_MS}).
     * COMPRESS=TRUE: pages are written LZF-compressed, as H2's {@code SHUTDOWN COMPACT} (and so the
     * compaction at start) always writes its copy: the live pages take half the bytes (a copy of the mixed
     * load's store uncompressed is twice the compressed one), and each commit's chunk too, so the working
     * space of the retention time halves with them (issue 12; measured in docs/reliability.md, "Store
     * size"). H2 marks each page compressed or not, so a file written before this setting is read as it
     * is and its pages are compressed as they are rewritten.
     * MAX_COMPACT_TIME=0: H2's close does not compact (200 ms by default). That compaction rewrote and moved
     * chunks after the close's last commit, then freed the chunks that had died in it and cut them off with
     * the file's free end without writing the layout again: the clean header then named a chunk whose
     * layout listed a chunk no longer there, and H2 2.3.232, distrusting it, opened an older commit
     * (StoreKillPointsTest, "opened again after an idle close: missing"; {@link StoreFile#clean()}). With
     * {@code -ea} its chunk moves also stopped on H2's own assertion in a third of the closes, leaving the file
     * unclean. The store's size is kept by {@link StoreUpkeep} and, at start, {@link StoreCompaction}.
     */
    static final String H2_SETTINGS = ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;MAX_LENGTH_INPLACE_LOB=4096"
            + ";ANALYZE_AUTO=0;COMPRESS=TRUE;MAX_COMPACT_TIME=0;RETENTION_TIME=" + StoreUpkeep.RETENTION_MS;
    private static final String H2_FILE = "jdbc:h2:file:";
    /**
     * The prefix of H2's recording file system ({@code org.h2.store.fs.rec.FilePathRec}), through which the
     * kill-point tests record every write to the file: it names the same file. Without it in {@link #h2Base},
     * a recorded start found no file, so it neither recovered nor compacted it, and its upkeep could not
     * read the disk's free space.
     */
    static final String RECORDED = "rec:";
    private static final int MAX_CONNECTIONS = 16;

    private final JdbcConnectionPool pool;
    private final JdbcTransactions transactions;
    private final Serializer serializer = EventStoreFactory.serializer();
    private final EventLog log;
    private final Optional<StoreUpkeep> upkeep;
    private EventStorageEngine engine;
    private final String url;
    /** The database's own store: open until the database closes. */
    private final MVStore database;
    private boolean closed;

    private Store(String url, JdbcConnectionPool pool, MVStore database, DiskReserve reserve, Optional<StoreUpkeep> upkeep) {
        this.url = url;
        this.pool = pool;
        this.database = database;
        this.upkeep = upkeep;
        this.transactions = new JdbcTransactions(pool, reserve);
        this.log = new EventLog(transactions, this::unpooled, serializer);
    }

    /** The JDBC URL of an H2 file store whose files are {@code base}{@code .mv.db} and so on, with the daemon's settings. */
    public static String h2File(Path base) {
        return H2_FILE + base + H2_SETTINGS;
    }

    /**
     * The {@code base} of an H2 file store's URL ({@code jdbc:h2:file:BASE;SETTINGS}, as {@link #h2File}), without
     * the prefix of H2's recording file system ({@link #RECORDED}); empty for any other URL.
     */
    static Optional<Path> h2Base(String url) {
        if (!url.startsWith(H2_FILE)) {
            return Optional.empty();
        }
        return Optional.of(hostPath(url.substring(H2_FILE.length()).split(";", 2)[0]));
    }

    /**
     * The file H2 names {@code h2Name}, without the prefixes of the file systems the store opens it through: H2's
     * recording one ({@link #RECORDED}) and the start's ({@link StartHeaders}, which the database keeps for its
     * whole session after a start that found the file: without it here, the upkeep could not read the disk's free
     * space and every round failed, its pin never moving after a restart).
     */
    static Path hostPath(String h2Name) {
        String name = h2Name;
        String start = StartHeaders.SCHEME + ":";
        while (name.startsWith(RECORDED) || name.startsWith(start)) {
            name = name.substring(name.startsWith(RECORDED) ? RECORDED.length() : start.length());
        }
        return Path.of(name);
    }

    /**
     * The name by which H2 opens this file of the store at this URL: with the URL's prefix of H2's recording
     * file system, if it has one ({@link #RECORDED}), so that writes made outside the database are recorded too.
     */
    static String h2Name(String url, Path file) {
        return url.startsWith(H2_FILE + RECORDED) ? RECORDED + file : file.toString();
    }

    /**
     * Opens the store at this JDBC URL (an H2 database; made when missing), after settling it when it is
     * an H2 file that was not closed ({@link StoreRecovery}) and compacting it when it is large and more
     * than twice what a compacted copy would take ({@link StoreCompaction}; each said on standard output;
     * the file is read for both in one read-only open, {@link StoreFile}). A file store keeps
     * {@link DiskReserve#DEFAULT_BYTES} free on its disk: below that, changes are refused (NO_SPACE).
     * The event table is made, or given its chain, by {@link #engine()}. An H2 file gets its upkeep
     * thread ({@link StoreUpkeep}: its header pin always, its rewriting tuned or turned off by the system
     * properties {@code tally.store.upkeep*}) until {@link #close()}.
     */
    public static Store open(String url) {
        return open(url, StoreUpkeep.Settings.fromSystemProperties());
    }

    static Store open(String url, StoreUpkeep.Settings upkeep) {
        return open(url, upkeep, StoreCompaction.MIN_BYTES);
    }

    /** As {@link #open(String, StoreUpkeep.Settings)}, compacting a file from {@code minCompactBytes} on (tests). */
    static Store open(String url, StoreUpkeep.Settings upkeep, long minCompactBytes) {
        Optional<StoreFile> file;
        try {
            file = StoreFile.of(url);
            if (file.isPresent()) {
                StoreRecovery.settleIfUnclean(file.get()).ifPresent(System.out::println);
            }
        } catch (IOException | RuntimeException e) {
            throw new StoreException("open the store after an unclean stop", e);
        }
        // From here until the upkeep holds its header pin, the header on the disk names each chunk as soon as it
        // is written (StartHeaders): the compaction's and the database's opens commit before the pin, and now the
        // header names the newest chunk (a clean file, or the settling above).
        Optional<Path> followed = file.map(StoreFile::path);
        String h2Url = followed.isPresent() ? StartHeaders.url(url) : url;
        followed.ifPresent(StartHeaders::follow);
        try {
            try {
                if (file.isPresent()) {
                    StoreCompaction.compactIfLarge(h2Url, file.get(), minCompactBytes).ifPresent(System.out::println);
                }
            } catch (SQLException | IOException e) {
                throw new StoreException("compact the store", e);
            }
            JdbcConnectionPool pool = JdbcConnectionPool.create(h2Url, "sa", "");
            pool.setMaxConnections(MAX_CONNECTIONS);
            try {
                MVStore database;
                try (Connection c = pool.getConnection()) {
                    database = StoreUpkeep.mvStore(c);
                }
                return new Store(h2Url, pool, database, DiskReserve.of(url, DiskReserve.DEFAULT_BYTES),
                        StoreUpkeep.start(url, pool, upkeep));
            } catch (SQLException e) {
                pool.dispose();
                throw new StoreException("open the store", e);
            } catch (RuntimeException e) {
                pool.dispose();
                throw e;
            }
        } finally {
            followed.ifPresent(StartHeaders::stop);
        }
    }

    /** Axon's transactions on this store: the events, the token store and the read models of one commit together. */
    public TransactionManager transactions() {
        return transactions;
    }

    /** Connections to this store; inside a transaction, the transaction's (closing it does nothing). */
    public ConnectionProvider connections() {
        return transactions;
    }

    /**
     * A session of its own on the open database, not one of the pool's: a pooled connection takes a lock at
     * every column its results read, a fifth of the CPU time of a pass over the whole log ({@link EventLog}).
     * Opened as the pool opens one (the URL's settings applied); never after {@link #close()}, which would open
     * the file again.
     */
    private synchronized Connection unpooled() throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        return DriverManager.getConnection(url, "sa", "");
    }

    /** How events are written to and read from the event table; their stored JSON must not change shape. */
    public Serializer serializer() {
        return serializer;
    }

    /**
     * The storage engine of Axon's event store on this store, the same one on every call: its appends
     * are links of the hash chain. The first call makes the event table when it is missing and gives a
     * table from before the chain its chain.
     */
    public synchronized EventStorageEngine engine() {
        if (engine == null) {
            engine = EventStoreFactory.engine(transactions, serializer);
        }
        return engine;
    }

    /** The stored events read back in the order of their sequence numbers, as the read models and the audit need them. */
    public EventLog log() {
        return log;
    }

    /** The stored events read by position, for streams that start at a point of the log ({@code /events}). */
    public StoredEvents storedEvents() {
        return new EventTableReader(transactions, serializer);
    }

    /** The hash chain of the event table, to verify it and to take checkpoints of it. */
    public EventChain chain() {
        return new JdbcEventChain(pool, Clock.systemUTC());
    }

    /**
     * Does this work with the upkeep's rewriting set aside ({@link StoreUpkeep#setAside()}): a rebuild of
     * the read models, which reads the whole log and writes every model in one transaction, has the
     * host's cores and H2's store lock to itself. The header pin still moves, and the upkeep still rewrites
     * when the file's dead bytes or gaps pass a bound ({@code tally.store.upkeep.asideShare}, 50 % of
     * the file), so however long the work runs the file stays a bounded multiple of its content. Works may
     * overlap; the upkeep rewrites as usual once the last has ended.
     */
    public <T> T withUpkeepAside(Supplier<T> work) {
        Runnable release = upkeep.map(StoreUpkeep::setAside).orElse(() -> { });
        try {
            return work.get();
        } finally {
            release.run();
        }
    }

    /** What the upkeep has done, in words: for tests and benchmarks. */
    String upkeep() {
        return upkeep.map(StoreUpkeep::toString).orElse("no upkeep");
    }

    /** Whether the upkeep has nothing to rewrite now (true without one): for tests. */
    boolean upkeepSettled() {
        return upkeep.map(StoreUpkeep::settled).orElse(true);
    }

    /** Runs a round of the upkeep now and waits for its end (nothing without one): for tests that drive the rounds. */
    void upkeepRound() {
        upkeep.ifPresent(StoreUpkeep::roundNow);
    }

    /** The upkeep's rounds, rewriting steps and moves of its header pin (zeros without one): for tests. */
    long[] upkeepCounts() {
        return upkeep.map(StoreUpkeep::counts).orElse(new long[3]);
    }

    /**
     * Stops the upkeep (between two of its steps; a step under way ends first, as H2's close waits for
     * it), then closes the database for certain and lets go of the pool: H2's {@code SHUTDOWN} ends every
     * session, one still in use by a request that outlived the daemon's stop among them (its transaction
     * is rolled back: it was never acknowledged), where letting go of the pool's idle connections closed
     * the database only once the last connection in use was given back, perhaps never. The store may then
     * be opened by another process. StoreException, saying why, when the database could not be closed.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Its session is opened before the upkeep lets go of the header pin: a new session applies the URL's
        // settings, which may write, and nothing may be written between the pin's release and the close.
        // Not from the pool: all of its connections may be in use.
        Connection shutdown = null;
        SQLException failure = null;
        try {
            shutdown = database.isClosed() ? null : DriverManager.getConnection(url, "sa", "");
        } catch (SQLException e) {
            failure = e;
        }
        upkeep.ifPresent(StoreUpkeep::close);
        if (shutdown != null) {
            try (Connection c = shutdown; Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                failure = e;
            }
        }
        pool.dispose();
        // A SHUTDOWN that failed half-way leaves the database closed too (H2 marks it closed in a finally),
        // but perhaps without its clean header: said, not passed over.
        if (failure != null || !database.isClosed()) {
            throw new StoreException("close the store", failure != null ? failure
                    : new IllegalStateException("its database is still open after SHUTDOWN"));
        }
    }
}
