package dev.tally.store;

import dev.tally.domain.container.ContainerNames;
import dev.tally.domain.container.HeldNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.Transaction;

/**
 * The names held by live containers, in a table of the command side (CONTAINER_NAMES) beside the
 * event table: written in the transaction that stores the event, so a name is held exactly as long as
 * the log says its container lives. Not a read model: a replay does not touch it.
 */
public final class JdbcHeldNames implements HeldNames {

    static final String TABLE = "CONTAINER_NAMES";

    private final ConnectionProvider connections;
    private final String table;

    private JdbcHeldNames(ConnectionProvider connections, String table) {
        this.connections = connections;
        this.table = table;
    }

    /**
     * The table, made and filled from the whole log when the store has none (a store from before
     * it). It is filled under another name and renamed once complete, so a crash while filling leaves
     * no table that looks complete.
     */
    public static JdbcHeldNames open(Store store) {
        ConnectionProvider connections = store.connections();
        store.engine(); // the event table, made when missing, to read the log from
        if (!exists(connections, TABLE)) {
            String next = TABLE + "_NEXT";
            execute(connections, "DROP TABLE IF EXISTS " + next);
            execute(connections, "CREATE TABLE " + next + " (NAME VARCHAR NOT NULL PRIMARY KEY, CONTAINER_ID VARCHAR NOT NULL)");
            ContainerNames filling = new ContainerNames(new JdbcHeldNames(connections, next));
            Transaction tx = store.transactions().startTransaction();
            try {
                store.log().forEach(null, filling::catchUp);
                tx.commit();
            } catch (RuntimeException e) {
                tx.rollback();
                throw e;
            }
            execute(connections, "ALTER TABLE " + next + " RENAME TO " + TABLE);
        }
        return new JdbcHeldNames(connections, TABLE);
    }

    @Override
    public Optional<String> holder(String name) {
        try (Connection c = connections.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT CONTAINER_ID FROM " + table + " WHERE NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("look up the holder of container name " + name, e);
        }
    }

    @Override
    public void hold(String name, String containerId) {
        update("hold container name " + name, "DELETE FROM " + table + " WHERE NAME = ?", name);
        update("hold container name " + name, "INSERT INTO " + table + " (NAME, CONTAINER_ID) VALUES (?, ?)", name,
                containerId);
    }

    @Override
    public void free(String name, String containerId) {
        update("free container name " + name, "DELETE FROM " + table + " WHERE NAME = ? AND CONTAINER_ID = ?", name,
                containerId);
    }

    private void update(String what, String sql, String... params) {
        try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }

    private static boolean exists(ConnectionProvider connections, String table) {
        try (Connection c = connections.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
            return rs.next();
        } catch (SQLException e) {
            throw new StoreException("look up table " + table, e);
        }
    }

    private static void execute(ConnectionProvider connections, String sql) {
        try (Connection c = connections.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new StoreException("run " + sql, e);
        }
    }
}
