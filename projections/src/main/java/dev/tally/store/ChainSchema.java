package dev.tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;

/**
 * The chain's column on the event table. A store made before the chain existed gets the column and
 * its existing rows chained in the same transaction, once: only the migration that creates the column
 * ever writes a hash for a row it did not append, so afterwards a row without a hash is a tampered row.
 */
final class ChainSchema {

    static final String HASH_COLUMN = "chain_hash";
    static final EventSchema EVENTS = new EventSchema();

    private ChainSchema() {
    }

    /** Adds the column and chains the rows already stored when the column does not exist yet. */
    static void migrate(JdbcTransactions tx) {
        tx.executeInTransaction(() -> {
            try (Connection c = tx.getConnection()) {
                if (hasHashColumn(c)) {
                    return;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + EVENTS.domainEventTable() + " ADD COLUMN " + HASH_COLUMN
                            + " VARCHAR(64)");
                }
                long chained = chainExistingRows(c);
                if (chained > 0) {
                    System.out.println("tallyd: chained the " + chained + " events stored before the hash chain");
                }
            } catch (SQLException e) {
                throw new StoreException("add the hash chain to the event table", e);
            }
        });
    }

    private static boolean hasHashColumn(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getColumns(null, null, EVENTS.domainEventTable().toUpperCase(),
                HASH_COLUMN.toUpperCase())) {
            return rs.next();
        }
    }

    private static long chainExistingRows(Connection c) throws SQLException {
        ChainHash hash = new ChainHash();
        String previous = ChainHash.GENESIS;
        long count = 0;
        try (PreparedStatement update = c.prepareStatement("UPDATE " + EVENTS.domainEventTable() + " SET "
                + HASH_COLUMN + " = ? WHERE " + EVENTS.globalIndexColumn() + " = ?");
             ChainRows rows = ChainRows.from(c, 0)) {
            for (ChainRows.Row r = rows.next(); r != null; r = rows.next()) {
                previous = hash.next(previous, r.row());
                update.setString(1, previous);
                update.setLong(2, r.row().globalIndex());
                update.addBatch();
                if (++count % 1000 == 0) {
                    update.executeBatch();
                }
            }
            update.executeBatch();
        }
        return count;
    }
}
