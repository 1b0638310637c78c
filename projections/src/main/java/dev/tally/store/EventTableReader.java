package dev.tally.store;

import dev.tally.domain.event.StoredEvents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.serialization.Serializer;

/**
 * The event table read by position, for {@code /events}: the global index is the position, dense and
 * in time order (appends are serialized and chained), so the first event at a time is found by a
 * binary search over it, one row per probe, and an aggregate's earlier events by its identifier.
 */
final class EventTableReader implements StoredEvents {

    private static final String COLUMNS = "globalIndex, timeStamp, payloadType, payloadRevision, payload";

    private final ConnectionProvider connections;
    private final StoredPayloads payloads;

    /** @param serializer the event store's serializer */
    EventTableReader(ConnectionProvider connections, Serializer serializer) {
        this.connections = connections;
        this.payloads = new StoredPayloads(serializer);
    }

    @Override
    public long firstAtOrAfter(Instant at) {
        try (Connection c = connections.getConnection();
             PreparedStatement probe = c.prepareStatement("SELECT globalIndex, timeStamp FROM DomainEventEntry "
                     + "WHERE globalIndex >= ? ORDER BY globalIndex LIMIT 1")) {
            long low = 0;
            long high = next(c);
            long found = high; // the first at or after is in [low, high), or is found
            while (low < high) {
                long mid = low + (high - low) / 2;
                probe.setLong(1, mid);
                try (ResultSet rs = probe.executeQuery()) {
                    if (!rs.next()) {
                        high = mid;
                    } else if (StoredTimestamp.parse(rs.getString(2)).isBefore(at)) {
                        low = rs.getLong(1) + 1;
                    } else {
                        found = rs.getLong(1);
                        high = mid;
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("find the first event at " + at, e);
        }
    }

    @Override
    public long next() {
        try (Connection c = connections.getConnection()) {
            return next(c);
        } catch (SQLException e) {
            throw new StoreException("find the end of the event log", e);
        }
    }

    private static long next(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(globalIndex) FROM DomainEventEntry");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) + 1 : 1;
        }
    }

    @Override
    public List<Stored> read(long from, int max) {
        return select("SELECT " + COLUMNS + " FROM DomainEventEntry WHERE globalIndex >= ? ORDER BY globalIndex LIMIT "
                + max, "read the event log from " + from, ps -> ps.setLong(1, from));
    }

    @Override
    public List<Stored> history(String aggregateId, long before) {
        return select("SELECT " + COLUMNS + " FROM DomainEventEntry WHERE aggregateIdentifier = ? AND globalIndex < ? "
                + "ORDER BY globalIndex", "read the events of " + aggregateId, ps -> {
                    ps.setString(1, aggregateId);
                    ps.setLong(2, before);
                });
    }

    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    private List<Stored> select(String sql, String what, Parameters parameters) {
        try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            parameters.set(ps);
            List<Stored> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long position = rs.getLong(1);
                    events.add(new Stored(position, StoredTimestamp.parse(rs.getString(2)),
                            payloads.read(position, rs.getBytes(5), rs.getString(3), rs.getString(4))));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }
}
