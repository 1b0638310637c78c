package dev.tally.store;

import dev.tally.domain.DomainException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;

/**
 * The stored events read directly, in the order of their global index (an event's sequence number
 * in the audit log), page by page, each deserialized as the event store does. Faster than Axon's
 * event stream for a full pass. The read models and the audit read the log through this class only.
 */
public final class EventLog {

    /**
     * Events per page, pages of rows read ahead, and pages of messages deserialized ahead. What is
     * held ahead outlives young collections and fills the old generation: in a daemon (whose heap
     * grows only when it must), 1,000 events a page with two pages of messages ahead took twice the
     * full collections of 500 with one (a replay of 1M events: 79 against 47).
     */
    private static final int PAGE = 500;
    private static final int PAGES_AHEAD = 2;
    private static final int MESSAGE_PAGES_AHEAD = 1;
    private static final String COLUMNS = "globalIndex, eventIdentifier, timeStamp, payloadType, payloadRevision, "
            + "payload, aggregateIdentifier, sequenceNumber, type";

    private final ConnectionProvider connections;
    private final ConnectionProvider passes;
    private final StoredPayloads payloads;

    /**
     * @param connections the store's connections (a transaction's inside one)
     * @param passes      connections for a pass over the whole log ({@link #forEach}), read on a thread of its
     *                    own outside any transaction: not the pool's, whose connections take a lock at every
     *                    column read (300,000 events of audit-bench.sh read in 540 ms of CPU time through the
     *                    pool, 440 without)
     */
    EventLog(ConnectionProvider connections, ConnectionProvider passes, Serializer serializer) {
        this.connections = connections;
        this.passes = passes;
        this.payloads = new StoredPayloads(serializer);
    }

    /**
     * The sequence number of a stored event, as the current transaction sees the log (so an event
     * appended in it is found before it commits).
     *
     * @throws DomainException FAILED when no stored event has this identifier
     */
    public long sequenceOf(String eventIdentifier) {
        try (Connection c = connections.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT globalIndex FROM DomainEventEntry WHERE eventIdentifier = ?")) {
            ps.setString(1, eventIdentifier);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("event " + eventIdentifier + " is not in the log");
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("find event " + eventIdentifier + " in the log", e);
        }
    }

    /** Whether no event has been stored yet. */
    public boolean isEmpty() {
        try (Connection c = connections.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM DomainEventEntry LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return !rs.next();
        } catch (SQLException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read the event log: " + e.getMessage(), e);
        }
    }

    /** A stored event's columns, before its payload is deserialized. */
    private record Row(long seq, String id, Instant at, String payloadType, String payloadRevision, byte[] payload,
                       String aggregateId, long sequenceNumber, String aggregateType) {
    }

    /**
     * Hands each stored event, oldest first, to {@code handler} as a tracked message whose token's
     * position is its sequence number; leaves out events stored after {@code until} (null: none).
     * Returns how many were handed over. Three stages overlap: one thread reads pages of rows, a
     * second deserializes them, and the caller's thread handles the page before (reading and
     * deserializing on one thread made it the slowest of two).
     */
    public long forEach(Instant until, Consumer<EventMessage<?>> handler) {
        BlockingQueue<List<Row>> rows = new ArrayBlockingQueue<>(PAGES_AHEAD);
        BlockingQueue<List<EventMessage<?>>> pages = new ArrayBlockingQueue<>(MESSAGE_PAGES_AHEAD);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> read(until, rows, failure, stop), "tally-event-log-reader");
        Thread converter = new Thread(() -> convert(rows, pages, failure), "tally-event-log-deserializer");
        reader.setDaemon(true);
        converter.setDaemon(true);
        reader.start();
        converter.start();
        long count = 0;
        try {
            while (true) {
                List<EventMessage<?>> page = pages.take();
                if (page.isEmpty()) {
                    break;
                }
                for (EventMessage<?> m : page) {
                    handler.accept(m);
                    count++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, "read the event log: interrupted", e);
        } finally {
            stop.set(true);
            rows.clear();
            pages.clear();
            converter.interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return count;
    }

    private void read(Instant until, BlockingQueue<List<Row>> rows, AtomicReference<RuntimeException> failure,
                      AtomicBoolean stop) {
        long last = -1;
        try (Connection c = passes.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM DomainEventEntry "
                     + "WHERE globalIndex > ? ORDER BY globalIndex LIMIT " + PAGE)) {
            int inPage = PAGE;
            while (inPage == PAGE && !stop.get()) {
                ps.setLong(1, last);
                inPage = 0;
                List<Row> page = new ArrayList<>(PAGE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inPage++;
                        last = rs.getLong(1);
                        Instant at = StoredTimestamp.parse(rs.getString(3));
                        if (until == null || !at.isAfter(until)) {
                            page.add(new Row(last, rs.getString(2), at, rs.getString(4), rs.getString(5), rs.getBytes(6),
                                    rs.getString(7), rs.getLong(8), rs.getString(9)));
                        }
                    }
                }
                if (!page.isEmpty()) {
                    handOver(rows, page, stop);
                }
            }
        } catch (SQLException e) {
            failure.compareAndSet(null, new DomainException(DomainException.Kind.FAILED, "read the event log after event "
                    + last + ": " + e.getMessage(), e));
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            return;
        }
        try {
            handOver(rows, List.of(), stop);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Puts a page in the queue, or gives up once the consumer has stopped. The reader is never
     * interrupted to stop it: an interrupt while H2 reads the file closes the file's channel under the
     * whole store (a replay that failed on a bad event then closed the database, issue 12's suite run).
     */
    private static void handOver(BlockingQueue<List<Row>> rows, List<Row> page, AtomicBoolean stop)
            throws InterruptedException {
        while (!stop.get() && !rows.offer(page, 50, TimeUnit.MILLISECONDS)) {
            // the consumer is busy: wait for room, or for it to stop
        }
    }

    /** Deserializes each page of rows into messages; an empty page (the end, or a failure) is passed on. */
    private void convert(BlockingQueue<List<Row>> rows, BlockingQueue<List<EventMessage<?>>> pages,
                         AtomicReference<RuntimeException> failure) {
        try {
            while (true) {
                List<Row> page = rows.take();
                if (page.isEmpty()) {
                    break;
                }
                List<EventMessage<?>> messages = new ArrayList<>(page.size());
                for (Row row : page) {
                    messages.add(message(row));
                }
                pages.put(messages);
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            return;
        }
        try {
            pages.put(List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One stored event as the audit records need it: its payload deserialized, and as stored. */
    public record StoredEvent(long seq, String id, Instant stored, Object payload, byte[] serialized) {
    }

    /**
     * Hands over the stored events with these sequence numbers (ascending), in that order; a number
     * with no event is left out. A dense run of numbers is read as a range.
     */
    public void fetch(List<Long> seqs, Consumer<StoredEvent> into) {
        if (seqs.isEmpty()) {
            return;
        }
        try (Connection c = connections.getConnection()) {
            fetch(c, seqs, into);
        } catch (SQLException e) {
            throw new StoreException("read events " + seqs.get(0) + " to " + seqs.get(seqs.size() - 1) + " of the log", e);
        }
    }

    private void fetch(Connection c, List<Long> seqs, Consumer<StoredEvent> into) throws SQLException {
        long first = seqs.get(0);
        long last = seqs.get(seqs.size() - 1);
        boolean range = last - first < 4L * seqs.size();
        String sql = "SELECT globalIndex, eventIdentifier, timeStamp, payloadType, payloadRevision, payload "
                + "FROM DomainEventEntry WHERE " + (range ? "globalIndex BETWEEN ? AND ?"
                        : "globalIndex IN (" + "?, ".repeat(seqs.size() - 1) + "?)") + " ORDER BY globalIndex";
        Set<Long> wanted = range ? new HashSet<>(seqs) : null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (range) {
                ps.setLong(1, first);
                ps.setLong(2, last);
            } else {
                for (int i = 0; i < seqs.size(); i++) {
                    ps.setLong(i + 1, seqs.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if (wanted != null && !wanted.contains(seq)) {
                        continue;
                    }
                    byte[] bytes = rs.getBytes(6);
                    into.accept(new StoredEvent(seq, rs.getString(2), StoredTimestamp.parse(rs.getString(3)),
                            payloads.read(seq, bytes, rs.getString(4), rs.getString(5)), bytes));
                }
            }
        }
    }

    private EventMessage<?> message(Row row) {
        Object payload = payloads.read(row.seq(), row.payload(), row.payloadType(), row.payloadRevision());
        GenericDomainEventMessage<Object> stored = new GenericDomainEventMessage<>(row.aggregateType(), row.aggregateId(),
                row.sequenceNumber(), payload, MetaData.emptyInstance(), row.id(), row.at());
        return new GenericTrackedDomainEventMessage<>(new GlobalSequenceTrackingToken(row.seq()), stored);
    }
}
