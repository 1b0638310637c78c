package dev.tally.projections;

import dev.tally.domain.DomainException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;

/** The live read-model tables: each change is one MERGE, in the transaction of its event. */
final class LiveStorage implements ViewStorage {

    private final ConnectionProvider connections;
    private final LiveGate gate;

    LiveStorage(ConnectionProvider connections, LiveGate gate) {
        this.connections = connections;
        this.gate = gate;
    }

    @Override
    public <V> Rows<V> rows(ViewTable<V> table) {
        return new Rows<>() {
            @Override
            public Optional<V> get(String key) {
                gate.enterUnitOfWork();
                try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(table.selectSql())) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(table.reader().read(rs)) : Optional.empty();
                    }
                } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw ViewStore.failed("read " + key + " from " + table.name(), e);
                }
            }

            @Override
            public void remove(String key) {
                gate.enterUnitOfWork();
                try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + table.name() + " WHERE " + table.key() + " = ?")) {
                    ps.setString(1, key);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw ViewStore.failed("remove " + key + " from " + table.name(), e);
                }
            }

            @Override
            public void put(String key, V value) {
                gate.enterUnitOfWork();
                try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(table.mergeSql())) {
                    table.writer().bind(ps, value);
                    ps.executeUpdate();
                } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw ViewStore.failed("write " + key + " to " + table.name(), e);
                }
            }
        };
    }

    @Override
    public boolean create(ViewTable<?> table) {
        try (Connection c = connections.getConnection(); Statement s = c.createStatement()) {
            boolean missing = !exists(c, table.name().toUpperCase());
            s.execute(table.createSql(table.name()));
            for (String index : table.indexSql(table.name())) {
                s.execute(index);
            }
            return missing;
        } catch (SQLException e) {
            throw new DomainException(DomainException.Kind.FAILED, "create read model table " + table.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Whether the connection's schema has a table of exactly this name. Not a metadata pattern: there
     * {@code _} stands for any character (so {@code IMAGEXENTRY} was taken for {@code IMAGE_ENTRY}) and
     * no schema means every schema.
     */
    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public LiveGate gate() {
        return gate;
    }
}
