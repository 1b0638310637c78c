package dev.tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;

/**
 * The event table's rows in global-index order with their stored hashes, read a page at a time so that
 * walking a log of any length takes constant memory.
 */
final class ChainRows implements AutoCloseable {

    static final int PAGE = 1000;

    /** A stored row and the hash stored with it (null when none is). */
    record Row(ChainedRow row, String storedHash) {
    }

    private final PreparedStatement page;
    private ResultSet current;
    private int inPage;
    private long lastIndex;

    private ChainRows(PreparedStatement page, long afterIndex) {
        this.page = page;
        this.lastIndex = afterIndex;
    }

    /** The rows whose global index is greater than {@code afterIndex}. */
    static ChainRows from(Connection c, long afterIndex) throws SQLException {
        EventSchema s = ChainSchema.EVENTS;
        PreparedStatement page = c.prepareStatement("SELECT " + s.globalIndexColumn() + ", "
                + s.eventIdentifierColumn() + ", " + s.aggregateIdentifierColumn() + ", " + s.sequenceNumberColumn()
                + ", " + s.typeColumn() + ", " + s.timestampColumn() + ", " + s.payloadTypeColumn() + ", "
                + s.payloadRevisionColumn() + ", " + s.payloadColumn() + ", " + s.metaDataColumn() + ", "
                + ChainSchema.HASH_COLUMN + " FROM " + s.domainEventTable() + " WHERE " + s.globalIndexColumn()
                + " > ? ORDER BY " + s.globalIndexColumn() + " LIMIT " + PAGE);
        return new ChainRows(page, afterIndex);
    }

    /** The next row, or null after the last. */
    Row next() throws SQLException {
        if (current == null || !current.next()) {
            if (current != null) {
                current.close();
                if (inPage < PAGE) {
                    current = null;
                    return null;
                }
            }
            page.setLong(1, lastIndex);
            current = page.executeQuery();
            inPage = 0;
            if (!current.next()) {
                return null;
            }
        }
        inPage++;
        ResultSet rs = current;
        ChainedRow row = new ChainedRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getBytes(9), rs.getBytes(10));
        lastIndex = row.globalIndex();
        return new Row(row, rs.getString(11));
    }

    @Override
    public void close() throws SQLException {
        try {
            if (current != null) {
                current.close();
            }
        } finally {
            page.close();
        }
    }
}
