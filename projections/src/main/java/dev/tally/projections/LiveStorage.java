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
            boolean missing;
            try (ResultSet rs = c.getMetaData().getTables(null, null, table.name().toUpperCase(), null)) {
                missing = !rs.next();
            }
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

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public LiveGate gate() {
        return gate;
    }
}
