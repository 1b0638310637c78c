package dev.tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.AppendEventsStatementBuilder;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.TimestampWriter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;

/**
 * Appends events as links of the hash chain (see {@link ChainHash}). One append at a time in the whole
 * daemon: the appending thread takes a lock, reads the head of the chain (last global index and its
 * hash), numbers its events head+1, head+2, … and chains their hashes, and keeps the lock until the
 * transaction that holds its rows has committed or rolled back. So the chain grows only by committed
 * rows, in the order of the global index, without gaps; a rolled-back append leaves the head as it was.
 * The unit of work of a command, its read-model updates and an AccessDenied published outside any unit
 * of work all append inside one {@link JdbcTransactions} transaction, which is what the lock waits for.
 */
final class ChainedAppends implements AppendEventsStatementBuilder {

    /** Far beyond any sane transaction; reaching it means a stuck appender, not a busy one. */
    private static final long LOCK_WAIT_SECONDS = 60;

    private final JdbcTransactions transactions;
    private final ReentrantLock appending = new ReentrantLock(true);

    ChainedAppends(JdbcTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public PreparedStatement build(Connection connection, EventSchema schema, Class<?> dataType,
                                   List<? extends EventMessage<?>> events, Serializer serializer,
                                   TimestampWriter timestampWriter) throws SQLException {
        holdUntilTransactionEnds();
        String[] head = head(connection, schema);
        long index = Long.parseLong(head[0]);
        String previous = head[1];
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + schema.domainEventTable() + " ("
                + schema.globalIndexColumn() + ", " + schema.eventIdentifierColumn() + ", "
                + schema.aggregateIdentifierColumn() + ", " + schema.sequenceNumberColumn() + ", "
                + schema.typeColumn() + ", " + schema.timestampColumn() + ", " + schema.payloadTypeColumn() + ", "
                + schema.payloadRevisionColumn() + ", " + schema.payloadColumn() + ", " + schema.metaDataColumn()
                + ", " + ChainSchema.HASH_COLUMN + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ChainHash hash = new ChainHash();
        for (EventMessage<?> event : events) {
            ChainedRow row = row(++index, event, serializer, dataType);
            previous = hash.next(previous, row);
            insert.setLong(1, row.globalIndex());
            insert.setString(2, row.eventIdentifier());
            insert.setString(3, row.aggregateIdentifier());
            insert.setLong(4, row.sequenceNumber());
            insert.setString(5, row.type());
            insert.setString(6, row.timeStamp());
            insert.setString(7, row.payloadType());
            insert.setString(8, row.payloadRevision());
            insert.setBytes(9, row.payload());
            insert.setBytes(10, row.metaData());
            insert.setString(11, previous);
            insert.addBatch();
        }
        return insert;
    }

    /** Takes the append lock unless this thread's transaction holds it already, and frees it when that ends. */
    private void holdUntilTransactionEnds() {
        if (appending.isHeldByCurrentThread()) {
            return;
        }
        try {
            if (!appending.tryLock(LOCK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited " + LOCK_WAIT_SECONDS + " s for another append to the event "
                        + "log to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to append to the event log", e);
        }
        try {
            transactions.afterCompletion(appending::unlock);
        } catch (RuntimeException e) {
            appending.unlock();
            throw e;
        }
    }

    /**
     * The last global index (0 when empty) and its hash, as this transaction sees them. A last row
     * without a valid hash was tampered with; new rows then chain on the all-zero hash rather than stop
     * the daemon, and verify still names that row as the first bad one.
     */
    static String[] head(Connection connection, EventSchema schema) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + schema.globalIndexColumn() + ", " + ChainSchema.HASH_COLUMN
                     + " FROM " + schema.domainEventTable() + " ORDER BY " + schema.globalIndexColumn()
                     + " DESC LIMIT 1")) {
            if (!rs.next()) {
                return new String[] {"0", ChainHash.GENESIS};
            }
            String hash = rs.getString(2);
            if (!ChainHash.isHash(hash)) {
                System.err.println("tallyd: the last event in the log (sequence " + rs.getLong(1) + ") has no valid "
                        + "chain hash: the log was changed outside tallyd; appending on, and tally audit verify "
                        + "names the first bad row");
                return new String[] {Long.toString(rs.getLong(1)), ChainHash.GENESIS};
            }
            return new String[] {Long.toString(rs.getLong(1)), hash};
        }
    }

    private static ChainedRow row(long globalIndex, EventMessage<?> event, Serializer serializer, Class<?> dataType) {
        SerializedObject<?> payload = event.serializePayload(serializer, dataType);
        SerializedObject<?> metaData = event.serializeMetaData(serializer, dataType);
        String type = null;
        String aggregate = event.getIdentifier();
        long sequence = 0;
        if (event instanceof DomainEventMessage<?> domain) {
            type = domain.getType();
            aggregate = domain.getAggregateIdentifier();
            sequence = domain.getSequenceNumber();
        }
        return new ChainedRow(globalIndex, event.getIdentifier(), aggregate, sequence, type,
                DateTimeUtils.formatInstant(event.getTimestamp()), payload.getType().getName(),
                payload.getType().getRevision(), bytes(payload), bytes(metaData));
    }

    private static byte[] bytes(SerializedObject<?> serialized) {
        if (serialized.getData() instanceof byte[] data) {
            return data;
        }
        throw new IllegalStateException("the event store must serialize to byte[], not "
                + serialized.getContentType().getName());
    }
}
