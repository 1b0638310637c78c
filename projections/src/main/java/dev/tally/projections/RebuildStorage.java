package dev.tally.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fresh copies of the read-model tables, filled from the log in one pass: values that handlers
 * read back are held in memory and written once at the end, append-only rows are streamed out in
 * batches as they come. Nothing is announced to listeners.
 */
final class RebuildStorage implements ViewStorage {

    private static final int BATCH = 1000;
    private static final int COMMIT_EVERY = BATCH;
    /** Settled values kept at hand: the other models ask for a container as it is removed. */
    private static final int RECENT = 1024;

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

    /**
     * Values are held in memory until the end, where those still held are written in key order.
     * A value its handler declares settled is written at once and let go of (it is final, and
     * holding every removed container made a replay of a long log spend its time collecting
     * garbage); asked for again, it is read back from the rebuilt table.
     */
    private <V> Rows<V> held(ViewTable<V> table) {
        Map<String, V> values = new HashMap<>();
        Map<String, V> recentlySettled = new java.util.LinkedHashMap<>(RECENT * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > RECENT;
            }
        };
        Set<String> written = new HashSet<>();
        Set<String> changedSinceWritten = new HashSet<>();
        Batch<V> early = new Batch<>(table, table.insertSql(tableName(table)));
        pending.add(() -> {
            early.finish();
            Batch<V> rest = new Batch<>(table, table.insertSql(tableName(table)));
            Batch<V> again = new Batch<>(table, table.mergeSql(tableName(table)));
            for (Map.Entry<String, V> v : new TreeMap<>(values).entrySet()) {
                (changedSinceWritten.contains(v.getKey()) ? again : rest).add(v.getValue());
            }
            rest.finish();
            again.finish();
        });
        return new Rows<>() {
            @Override
            public Optional<V> get(String key) {
                V value = values.get(key);
                if (value == null && written.contains(key)) {
                    value = recentlySettled.get(key);
                }
                if (value != null || !written.contains(key)) {
                    return Optional.ofNullable(value);
                }
                try {
                    early.finish();
                } catch (SQLException e) {
                    throw ViewStore.failed("write the rebuilt " + table.name(), e);
                }
                try (PreparedStatement ps = target.prepareStatement(table.selectSql(tableName(table)))) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(table.reader().read(rs)) : Optional.empty();
                    }
                } catch (SQLException | JsonProcessingException e) {
                    throw ViewStore.failed("read " + key + " back from the rebuilt " + table.name(), e);
                }
            }

            @Override
            public void put(String key, V value) {
                values.put(key, value);
                if (written.contains(key)) {
                    changedSinceWritten.add(key);
                    recentlySettled.remove(key);
                }
            }

            @Override
            public void settle(String key) {
                V value = values.get(key);
                if (value != null && !changedSinceWritten.contains(key) && written.add(key)) {
                    early.add(value);
                    values.remove(key);
                    recentlySettled.put(key, value);
                }
            }
        };
    }

    private <V> Rows<V> streamed(ViewTable<V> table) {
        Batch<V> batch = new Batch<>(table, table.insertSql(tableName(table)));
        pending.add(batch::finish);
        return new Rows<>() {
            @Override
            public Optional<V> get(String key) {
                return Optional.empty();
            }

            @Override
            public void put(String key, V value) {
                batch.add(value);
            }
        };
    }

    /** Rows written in batches, committed every {@link #COMMIT_EVERY}: the tables are not visible until swapped in. */
    private final class Batch<V> {
        private final ViewTable<V> table;
        private final String sql;
        private PreparedStatement ps;
        private int count;

        Batch(ViewTable<V> table, String sql) {
            this.table = table;
            this.sql = sql;
        }

        void add(V value) {
            try {
                if (ps == null) {
                    ps = target.prepareStatement(sql);
                }
                table.writer().bind(ps, value);
                ps.addBatch();
                if (++count % BATCH == 0) {
                    ps.executeBatch();
                    if (count % COMMIT_EVERY == 0) {
                        target.commit();
                    }
                }
            } catch (SQLException | JsonProcessingException e) {
                throw ViewStore.failed("write a row of the rebuilt " + table.name(), e);
            }
        }

        void finish() throws SQLException {
            if (ps != null) {
                try (PreparedStatement last = ps) {
                    last.executeBatch();
                }
                ps = null;
            }
        }
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
            // Indexes are built once the rows are in (see flush): one sort instead of a random
            // insert into each index for every row.
            pending.add(() -> {
                try (Statement after = target.createStatement()) {
                    for (String index : table.indexSql(name)) {
                        after.execute(index);
                    }
                }
            });
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
