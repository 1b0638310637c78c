package dev.tally.projections;

import dev.tally.domain.DomainException;
import dev.tally.domain.history.HostHistory;
import dev.tally.domain.history.PastHost;
import dev.tally.store.EventLog;
import dev.tally.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.axonframework.common.jdbc.ConnectionProvider;

/**
 * Every read model of the daemon, fed live by the events of each command; and the same projections
 * fed from the log instead, to rebuild them all (replay) or to see the host as it was at a past
 * time. One set of handlers serves all three: only where they write differs.
 */
public final class ReadModels implements HostHistory {

    private static final String REBUILT = "_next";

    private final Store store;
    private final ConnectionProvider connections;
    private final EventLog log;
    private final String scratchUrl;
    private final LiveGate gate = new LiveGate();
    private final ContainerProjection containers;
    private final ImageProjection images;
    private final VolumeProjection volumes;
    private final ExecProjection execs;
    private final AuditProjection audit;

    /**
     * @param store      the store of the events, where the read models are kept too (written in the
     *                   event's transaction when there is one)
     * @param scratchUrl the JDBC URL of a private, empty, throwaway store (e.g. {@code jdbc:h2:mem:}),
     *                   one per look at the past
     */
    public ReadModels(Store store, String scratchUrl) {
        this.store = store;
        this.connections = store.connections();
        this.log = store.log();
        this.scratchUrl = scratchUrl;
        LiveStorage live = new LiveStorage(connections, gate);
        containers = new ContainerProjection(connections, live);
        images = new ImageProjection(connections, live);
        volumes = new VolumeProjection(connections, live);
        execs = new ExecProjection(connections, live);
        audit = new AuditProjection(connections, live, log);
    }

    public ContainerProjection containers() {
        return containers;
    }

    public ImageProjection images() {
        return images;
    }

    public VolumeProjection volumes() {
        return volumes;
    }

    public AuditProjection audit() {
        return audit;
    }

    public ExecProjection execs() {
        return execs;
    }

    /** The objects whose @EventHandler methods the live event processor calls. */
    public List<Object> eventHandlers() {
        return List.of(containers, images, volumes, execs, audit);
    }

    /** The names of every read-model table. */
    public List<String> tableNames() {
        return all(containers, images, volumes, execs, audit).stream().map(ViewTable::name).toList();
    }

    /**
     * Creates missing tables. When one was missing while the log has events (a new model, or a
     * replay cut short between dropping a table and putting its rebuilt copy in place), rebuilds
     * them all; returns whether it did.
     */
    public boolean createSchemaAndCatchUp() {
        if (createMissingTables() && !log.isEmpty()) {
            replay();
            return true;
        }
        return false;
    }

    /** Creates the tables that are missing, empty; true when any was. */
    public boolean createMissingTables() {
        boolean missing = false;
        for (ViewStore model : List.of(containers, images, volumes, execs, audit)) {
            missing |= model.createMissingTables();
        }
        return missing;
    }

    /**
     * {@inheritDoc} With the store's upkeep set aside ({@link Store#withUpkeepAside}): beside a replay on two
     * cores, its rewriting of a store's dead space would take CPU and H2's store lock from the replay (not
     * measurable in audit-bench.sh, whose store is compacted at its open: docs/reliability.md, "Store size").
     */
    @Override
    public ReplayReport replay() {
        return store.withUpkeepAside(() -> gate.exclusively(() -> {
            long started = System.nanoTime();
            long events;
            try (Connection c = connections.getConnection()) {
                c.setAutoCommit(false);
                RebuildStorage storage = new RebuildStorage(c, REBUILT);
                List<ViewStore> rebuilt = List.of(new ContainerProjection(connections, storage),
                        new ImageProjection(connections, storage),
                        new VolumeProjection(connections, storage),
                        new ExecProjection(connections, storage),
                        new AuditProjection(connections, storage, log));
                try {
                    events = fill(storage, rebuilt, null);
                    c.commit();
                    swap(c, all(rebuilt.toArray(ViewStore[]::new)));
                    c.commit();
                } catch (RuntimeException | SQLException e) {
                    c.rollback();
                    dropRebuilt(c, all(rebuilt.toArray(ViewStore[]::new)));
                    throw e;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new ReplayReport(events, seconds, events / Math.max(seconds, 1e-9));
        }));
    }

    @Override
    public <T> T at(Instant at, Function<PastHost, T> question) {
        try (Connection scratch = DriverManager.getConnection(scratchUrl)) {
            scratch.setAutoCommit(false);
            ConnectionProvider one = new OneConnection(scratch);
            RebuildStorage storage = new RebuildStorage(scratch, "");
            fill(storage, List.of(new ContainerProjection(one, storage), new ImageProjection(one, storage),
                    new VolumeProjection(one, storage)), at);
            scratch.commit();
            return question.apply(new PastHost(new ContainerProjection(one), new ImageProjection(one),
                    new VolumeProjection(one)));
        } catch (SQLException e) {
            throw new DomainException(DomainException.Kind.FAILED, "open a store for the host as of " + at + ": "
                    + e.getMessage(), e);
        }
    }

    /** Creates the models' tables in the storage and feeds them every event up to {@code until}. */
    private long fill(RebuildStorage storage, List<ViewStore> models, Instant until) {
        models.forEach(ViewStore::createMissingTables);
        ReplayDispatch dispatch = new ReplayDispatch(models);
        long events = log.forEach(until, dispatch::handle);
        models.forEach(ViewStore::endOfLog);
        storage.flush();
        return events;
    }

    /** Puts each rebuilt table in the place of the live one, with its indexes' names. */
    private static void swap(Connection c, List<ViewTable<?>> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (ViewTable<?> t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t.name());
                s.execute("ALTER TABLE " + t.name() + REBUILT + " RENAME TO " + t.name());
                for (String suffix : t.indexes().keySet()) {
                    s.execute("ALTER INDEX " + t.name() + REBUILT + "_" + suffix + " RENAME TO " + t.name() + "_" + suffix);
                }
            }
        }
    }

    private static void dropRebuilt(Connection c, List<ViewTable<?>> tables) {
        try (Statement s = c.createStatement()) {
            for (ViewTable<?> t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t.name() + REBUILT);
            }
        } catch (SQLException e) {
            System.err.println("tallyd: could not drop a half-rebuilt read model: " + e.getMessage());
        }
    }

    private static List<ViewTable<?>> all(ViewStore... models) {
        List<ViewTable<?>> tables = new ArrayList<>();
        for (ViewStore m : models) {
            tables.addAll(m.tables());
        }
        return tables;
    }
}
