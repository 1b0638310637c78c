package dev.tally.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
     * Values are held in memory while handlers may change them. A value its handler declares
     * settled (final) is written at once and let go of: the table has no index on its key until the
     * end, so a row is appended, not put at a random place in the key's index (which made every
     * commit rewrite most of that index: more than half of a replay); asked for again, a settled
     * value is read back by its row number. At the end the values still held are written, the key
     * becomes the primary key (an index built in one pass), and values changed after they were
     * written are merged. Holding every removed container instead made a replay of a long log spend
     * its time collecting garbage.
     */
    private <V> Rows<V> held(ViewTable<V> table) {
        Map<String, V> values = new HashMap<>();
        Map<String, V> recentlySettled = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > RECENT;
            }
        };
        Map<String, Long> written = new HashMap<>();
        Set<String> changedSinceWritten = new HashSet<>();
        Batch<V> rows = new Batch<>(table, table.insertSql(tableName(table)));
        pending.add(() -> {
            for (Map.Entry<String, V> v : new TreeMap<>(values).entrySet()) {
                if (!written.containsKey(v.getKey())) {
                    rows.add(v.getValue());
                }
            }
            rows.finish();
            try (Statement s = target.createStatement()) {
                s.execute("ALTER TABLE " + tableName(table) + " ADD PRIMARY KEY (" + table.key() + ")");
            }
            Batch<V> again = new Batch<>(table, table.mergeSql(tableName(table)));
            for (String key : changedSinceWritten) {
                again.add(values.get(key));
            }
            again.finish();
            target.commit();
        });
        return new Rows<>() {
            @Override
            public Optional<V> get(String key) {
                V value = values.get(key);
                if (value != null) {
                    return Optional.of(value);
                }
                Long row = written.get(key);
                if (row == null) {
                    return Optional.empty();
                }
                value = recentlySettled.get(key);
                return value != null ? Optional.of(value) : Optional.of(readBack(table, key, row, rows));
            }

            @Override
            public void put(String key, V value) {
                values.put(key, value);
                if (written.containsKey(key)) {
                    changedSinceWritten.add(key);
                }
                recentlySettled.remove(key);
            }

            @Override
            public void remove(String key) {
                values.remove(key);
                recentlySettled.remove(key);
                if (written.containsKey(key)) {
                    throw new IllegalStateException("a settled value of " + table.name() + " cannot be removed: " + key);
                }
            }

            @Override
            public void settle(String key) {
                V value = values.get(key);
                if (value != null && !written.containsKey(key)) {
                    written.put(key, rows.add(value));
                    values.remove(key);
                    recentlySettled.put(key, value);
                }
            }
        };
    }

    /**
     * A written value, found by its row number (H2 numbers the rows of a table without a primary
     * key in the order they are inserted); checked, and looked for by key if the number misled.
     */
    private <V> V readBack(ViewTable<V> table, String key, long row, Batch<V> pendingRows) {
        try {
            pendingRows.finish();
            return readWhere(table, key, "_ROWID_", row).or(() -> readWhere(table, key, table.key(), key))
                    .orElseThrow(() -> new SQLException("row " + key + " is not in the table"));
        } catch (SQLException e) {
            throw ViewStore.failed("read " + key + " back from the rebuilt " + table.name(), e);
        }
    }

    /** The value of the row where {@code column} is {@code value}, if that row is the one of {@code key}. */
    private <V> Optional<V> readWhere(ViewTable<V> table, String key, String column, Object value) {
        try (PreparedStatement ps = target.prepareStatement("SELECT " + String.join(", ", table.columns()) + ", "
                + table.key() + " FROM " + tableName(table) + " WHERE " + column + " = ?")) {
            ps.setObject(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && key.equals(rs.getString(table.columns().size() + 1))
                        ? Optional.of(table.reader().read(rs)) : Optional.empty();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw ViewStore.failed("read " + key + " back from the rebuilt " + table.name(), e);
        }
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

            @Override
            public void remove(String key) {
                throw new IllegalStateException(table.name() + " only ever gets rows added");
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

        /** Adds a row; returns how many this batch has added, this one included. */
        long add(V value) {
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
                return count;
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
            s.execute(table.appendOnly() ? table.createSql(name) : table.createWithoutKeySql(name));
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
