package dev.tally.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fresh copies of the read-model tables, filled from the log in one pass: values that handlers
 * read back are held in memory and written once at the end, append-only rows are streamed out in
 * batches as they come. Nothing is announced to listeners.
 */
final class RebuildStorage implements ViewStorage {

    private static final int BATCH = 1000;
    private static final int COMMIT_EVERY = BATCH;

    private final Connection target;
    private final String suffix;
    private final LiveGate gate = new LiveGate();
    private final List<Flushable> pending = new ArrayList<>();

    private interface Flushable {
        void flush() throws SQLException, JsonProcessingException;
    }

    /**
     * @param target a connection with autocommit off, owned by the caller
     * @param suffix added to each table's name (empty to use the names themselves)
     */
    RebuildStorage(Connection target, String suffix) {
        this.target = target;
        this.suffix = suffix;
    }

    String tableName(ViewTable<?> table) {
        return table.name() + suffix;
    }

    @Override
    public <V> Rows<V> rows(ViewTable<V> table) {
        return table.appendOnly() ? streamed(table) : held(table);
    }

    private <V> Rows<V> held(ViewTable<V> table) {
        Map<String, V> values = new LinkedHashMap<>();
        pending.add(() -> {
            try (PreparedStatement ps = target.prepareStatement(table.insertSql(tableName(table)))) {
                int n = 0;
                for (V v : values.values()) {
                    table.writer().bind(ps, v);
                    ps.addBatch();
                    if (++n % BATCH == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
        });
        return new Rows<>() {
            @Override
            public Optional<V> get(String key) {
                return Optional.ofNullable(values.get(key));
            }

            @Override
            public void put(String key, V value) {
                values.put(key, value);
            }
        };
    }

    private <V> Rows<V> streamed(ViewTable<V> table) {
        PreparedStatement[] ps = {null};
        int[] count = {0};
        pending.add(() -> {
            if (ps[0] != null) {
                try (PreparedStatement last = ps[0]) {
                    last.executeBatch();
                }
            }
        });
        return new Rows<>() {
            @Override
            public Optional<V> get(String key) {
                return Optional.empty();
            }

            @Override
            public void put(String key, V value) {
                try {
                    if (ps[0] == null) {
                        ps[0] = target.prepareStatement(table.insertSql(tableName(table)));
                    }
                    table.writer().bind(ps[0], value);
                    ps[0].addBatch();
                    if (++count[0] % BATCH == 0) {
                        ps[0].executeBatch();
                        if (count[0] % COMMIT_EVERY == 0) {
                            target.commit();
                        }
                    }
                } catch (SQLException | JsonProcessingException e) {
                    throw ViewStore.failed("write " + key + " to the rebuilt " + table.name(), e);
                }
            }
        };
    }

    /** Writes what is held and what is still batched. */
    void flush() {
        try {
            for (Flushable f : pending) {
                f.flush();
            }
            pending.clear();
        } catch (SQLException | JsonProcessingException e) {
            throw ViewStore.failed("write the rebuilt read models", e);
        }
    }

    @Override
    public boolean create(ViewTable<?> table) {
        String name = tableName(table);
        try (Statement s = target.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + name);
            s.execute(table.createSql(name));
            for (String index : table.indexSql(name)) {
                s.execute(index);
            }
            return true;
        } catch (SQLException e) {
            throw ViewStore.failed("create the rebuilt table " + name, e);
        }
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public LiveGate gate() {
        return gate;
    }
}
