package dev.tally.store;

import dev.tally.domain.DomainException;
import dev.tally.domain.audit.ChainVerdict;
import dev.tally.domain.audit.Checkpoint;
import dev.tally.domain.audit.EventChain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;

/** The hash chain of the JDBC event table, walked with plain JDBC a page at a time. */
final class JdbcEventChain implements EventChain {

    private static final EventSchema S = ChainSchema.EVENTS;

    private final DataSource store;
    private final Clock clock;

    JdbcEventChain(DataSource store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Checkpoint head() {
        // one statement for both aggregates, so they agree; H2 answers both from the primary key alone
        String last = "SELECT MAX(" + S.globalIndexColumn() + "), COUNT(*) FROM " + S.domainEventTable();
        String hashOf = "SELECT " + ChainSchema.HASH_COLUMN + " FROM " + S.domainEventTable() + " WHERE "
                + S.globalIndexColumn() + " = ?";
        try (Connection c = store.getConnection(); PreparedStatement head = c.prepareStatement(last);
             PreparedStatement hash = c.prepareStatement(hashOf); ResultSet rs = head.executeQuery()) {
            rs.next();
            long sequence = rs.getLong(1);
            long count = rs.getLong(2);
            if (count == 0) {
                return new Checkpoint(0, ChainHash.GENESIS, clock.instant(), 0);
            }
            hash.setLong(1, sequence);
            String stored;
            try (ResultSet h = hash.executeQuery()) {
                stored = h.next() ? h.getString(1) : null;
            }
            if (!ChainHash.isHash(stored)) {
                throw new DomainException(DomainException.Kind.FAILED, "the last event (sequence " + sequence
                        + ") has no valid chain hash: the log was changed outside tallyd; see tally audit verify");
            }
            return new Checkpoint(sequence, stored, clock.instant(), count);
        } catch (SQLException e) {
            throw new StoreException("read the head of the event log's hash chain", e);
        }
    }

    @Override
    public ChainVerdict verify(Checkpoint checkpoint) {
        if (checkpoint != null && checkpoint.sequence() == 0 && !checkpoint.hash().equals(ChainHash.GENESIS)) {
            throw DomainException.invalid("a checkpoint at sequence 0 (an empty log) has the all-zero hash");
        }
        try (Connection c = store.getConnection(); ChainRows rows = ChainRows.from(c, 0)) {
            return walk(c, rows, checkpoint);
        } catch (SQLException e) {
            throw new StoreException("walk the event log's hash chain", e);
        }
    }

    private ChainVerdict walk(Connection c, ChainRows rows, Checkpoint checkpoint) throws SQLException {
        ChainHash hash = new ChainHash();
        String previous = ChainHash.GENESIS;
        long previousIndex = 0;
        long checked = 0;
        boolean checkpointReached = checkpoint == null || checkpoint.sequence() == 0;
        for (ChainRows.Row r = rows.next(); r != null; r = rows.next()) {
            ChainedRow row = r.row();
            long index = row.globalIndex();
            if (!checkpointReached && index > checkpoint.sequence()) {
                return ChainVerdict.broken(checked, checkpoint.sequence(), "sequence " + checkpoint.sequence()
                        + " of the checkpoint is missing");
            }
            checked++;
            String stored = r.storedHash();
            if (stored == null) {
                return ChainVerdict.broken(checked, index, "no hash");
            }
            if (!hash.next(previous, row).equals(stored)) {
                return ChainVerdict.broken(checked, firstBad(previousIndex, index),
                        mismatch(c, previousIndex, row, stored));
            }
            if (!checkpointReached && index == checkpoint.sequence()) {
                if (!stored.equals(checkpoint.hash())) {
                    return ChainVerdict.broken(checked, index, "the chain does not match the checkpoint here: the "
                            + "log up to sequence " + index + " was rewritten since the checkpoint was taken");
                }
                checkpointReached = true;
            }
            previous = stored;
            previousIndex = index;
        }
        if (!checkpointReached) {
            return ChainVerdict.broken(checked, previousIndex + 1, "the log ends at sequence " + previousIndex
                    + " but the checkpoint saw it reach " + checkpoint.sequence() + ": events were removed from its end");
        }
        return ChainVerdict.intact(checked, new Checkpoint(previousIndex, previous, clock.instant(), checked));
    }

    private static long firstBad(long previousIndex, long index) {
        return index > previousIndex + 1 ? previousIndex + 1 : index;
    }

    /** Why a row's hash does not follow: a gap before it, the row moved, or its content changed. */
    private static String mismatch(Connection c, long previousIndex, ChainedRow row, String stored) throws SQLException {
        long index = row.globalIndex();
        if (index > previousIndex + 1) {
            return index == previousIndex + 2 ? "sequence " + (previousIndex + 1) + " is missing"
                    : "sequences " + (previousIndex + 1) + " to " + (index - 1) + " are missing";
        }
        if (!ChainHash.isHash(stored)) {
            return "no valid hash";
        }
        String outOfOrder = outOfOrder(c, row);
        return outOfOrder != null ? outOfOrder : "hash does not match its content";
    }

    /** Whether the row's aggregate has its previous event after it, or its next event before it. */
    private static String outOfOrder(Connection c, ChainedRow row) throws SQLException {
        if (row.type() == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + S.globalIndexColumn() + " FROM "
                + S.domainEventTable() + " WHERE " + S.aggregateIdentifierColumn() + " = ? AND "
                + S.sequenceNumberColumn() + " = ?")) {
            ps.setString(1, row.aggregateIdentifier());
            ps.setLong(2, row.sequenceNumber() - 1);
            Long before = single(ps);
            ps.setLong(2, row.sequenceNumber() + 1);
            Long after = single(ps);
            if ((before != null && before > row.globalIndex()) || (after != null && after < row.globalIndex())) {
                return "row out of order: event " + row.sequenceNumber() + " of " + row.type() + " "
                        + row.aggregateIdentifier() + " is stored "
                        + (before != null && before > row.globalIndex() ? "before its predecessor (sequence " + before
                        : "after its successor (sequence " + after) + ")";
            }
            return null;
        }
    }

    private static Long single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }
}
