package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.audit.ChainVerdict;
import dev.tally.domain.audit.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain on a real H2 file through Axon's real JDBC engine, tampered with by plain SQL. */
class JdbcEventChainTest {

    record Noted(String text) {
    }

    @TempDir
    Path dir;
    private JdbcConnectionPool pool;
    private JdbcTransactions tx;
    private JdbcEventStorageEngine engine;
    private JdbcEventChain chain;

    @BeforeEach
    void open() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("tally"), "sa", "");
        tx = new JdbcTransactions(pool);
        engine = EventStoreFactory.engine(tx, EventStoreFactory.serializer());
        chain = new JdbcEventChain(pool, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        pool.dispose();
    }

    private void append(String aggregate, long sequence) {
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", aggregate, sequence, new Noted(aggregate + "/" + sequence)));
    }

    /** Ten events: sequences 1..10, aggregates a (1..5 → a/0..4) and b (6..10 → b/0..4). */
    private void appendTen() {
        for (int i = 0; i < 5; i++) {
            append("a", i);
        }
        for (int i = 0; i < 5; i++) {
            append("b", i);
        }
    }

    private int sql(String statement, Object... args) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(statement, e);
        }
    }

    private List<Long> indexes() throws SQLException {
        List<Long> all = new ArrayList<>();
        try (Connection c = pool.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT globalIndex FROM DomainEventEntry ORDER BY globalIndex")) {
            while (rs.next()) {
                all.add(rs.getLong(1));
            }
        }
        return all;
    }

    private static void assertBroken(ChainVerdict v, long firstBad, String problem) {
        assertFalse(v.intact(), "expected a break at " + firstBad);
        assertEquals(firstBad, v.firstBad(), v.problem());
        assertTrue(v.problem().contains(problem), v.problem());
    }

    @Test
    void anIntactLogVerifiesUpToItsHead() {
        appendTen();
        ChainVerdict v = chain.verify(null);
        assertTrue(v.intact(), v.problem());
        assertEquals(10, v.checked());
        Checkpoint head = chain.head();
        assertEquals(10, head.sequence());
        assertEquals(10, head.count());
        assertEquals(head.hash(), v.head().hash());
        assertTrue(chain.verify(head).intact());
    }

    @Test
    void aLogOfManyPagesIsWalkedToItsEndAndATamperedRowOnALaterPageIsFound() {
        for (int batch = 0; batch < 5; batch++) {
            List<org.axonframework.eventhandling.EventMessage<?>> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                events.add(new GenericDomainEventMessage<>("Thing", "p" + batch, i, new Noted("n" + i)));
            }
            engine.appendEvents(events);
        }
        ChainVerdict whole = chain.verify(null);
        assertTrue(whole.intact(), whole.problem());
        assertEquals(2500, whole.checked());
        assertEquals(2500, chain.head().count());
        sql("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = ?", "{}".getBytes(StandardCharsets.UTF_8),
                2 * ChainRows.PAGE + 1);
        assertBroken(chain.verify(null), 2 * ChainRows.PAGE + 1, "hash does not match its content");
    }

    @Test
    void anEmptyLogVerifiesAndItsHeadIsSequenceZero() {
        Checkpoint head = chain.head();
        assertEquals(0, head.sequence());
        assertEquals(ChainHash.GENESIS, head.hash());
        assertTrue(chain.verify(head).intact());
    }

    @Test
    void anEditedPayloadIsCaughtAtItsRow() {
        appendTen();
        sql("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = 5",
                "{\"text\":\"nothing happened\"}".getBytes(StandardCharsets.UTF_8));
        assertBroken(chain.verify(null), 5, "hash does not match its content");
    }

    @Test
    void editedMetaDataIsCaughtAtItsRow() {
        appendTen();
        sql("UPDATE DomainEventEntry SET metaData = ? WHERE globalIndex = 7", "{\"who\":\"nobody\"}".getBytes(StandardCharsets.UTF_8));
        assertBroken(chain.verify(null), 7, "hash does not match its content");
    }

    @Test
    void anEditedTimeStampIsCaughtAtItsRow() {
        appendTen();
        sql("UPDATE DomainEventEntry SET timeStamp = '2020-01-01T00:00:00Z' WHERE globalIndex = 2");
        assertBroken(chain.verify(null), 2, "hash does not match its content");
    }

    @Test
    void aDeletedRowIsNamedAsMissing() {
        appendTen();
        sql("DELETE FROM DomainEventEntry WHERE globalIndex = 4");
        assertBroken(chain.verify(null), 4, "sequence 4 is missing");
    }

    @Test
    void swappedPayloadsAreCaughtAtTheFirstOfTheTwo() {
        appendTen();
        sql("UPDATE DomainEventEntry SET payload = CASE globalIndex WHEN 3 THEN (SELECT payload FROM DomainEventEntry WHERE globalIndex = 8) "
                + "ELSE (SELECT payload FROM DomainEventEntry WHERE globalIndex = 3) END WHERE globalIndex IN (3, 8)");
        assertBroken(chain.verify(null), 3, "hash does not match its content");
    }

    @Test
    void rowsMovedWithinTheLogAreNamedOutOfOrder() {
        appendTen();
        sql("UPDATE DomainEventEntry SET globalIndex = -2 WHERE globalIndex = 2");
        sql("UPDATE DomainEventEntry SET globalIndex = 2 WHERE globalIndex = 3");
        sql("UPDATE DomainEventEntry SET globalIndex = 3 WHERE globalIndex = -2");
        assertBroken(chain.verify(null), 2, "row out of order");
    }

    @Test
    void aRowWithoutHashIsCaught() {
        appendTen();
        sql("UPDATE DomainEventEntry SET chain_hash = NULL WHERE globalIndex = 6");
        assertBroken(chain.verify(null), 6, "no hash");
    }

    @Test
    void aRewriteWithEveryHashRecomputedIsCaughtOnlyWithACheckpoint() throws SQLException {
        appendTen();
        Checkpoint before = chain.head();
        sql("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = 3", "{\"text\":\"rewritten\"}".getBytes(StandardCharsets.UTF_8));
        rechainFrom(2);
        assertTrue(chain.verify(null).intact(), "without a checkpoint the rewrite is consistent");
        assertBroken(chain.verify(before), 10, "rewritten since the checkpoint");
    }

    @Test
    void removedLastRowsAreCaughtOnlyWithACheckpoint() {
        appendTen();
        Checkpoint before = chain.head();
        sql("DELETE FROM DomainEventEntry WHERE globalIndex >= 9");
        assertTrue(chain.verify(null).intact());
        assertBroken(chain.verify(before), 9, "removed from its end");
    }

    @Test
    void aCheckpointSequenceThatIsGoneFromTheMiddleIsCaught() throws SQLException {
        appendTen();
        Checkpoint at5 = new Checkpoint(5, hashAt(5), java.time.Instant.now(), 5);
        sql("DELETE FROM DomainEventEntry WHERE globalIndex = 5");
        rechainFrom(4);
        assertTrue(chain.verify(null).intact(), "the attacker rechained over the gap");
        assertBroken(chain.verify(at5), 5, "of the checkpoint is missing");
    }

    @Test
    void aRolledBackAppendLeavesNoGapAndTheChainGoesOn() throws SQLException {
        append("a", 0);
        Transaction t = tx.startTransaction();
        append("a", 1);
        t.rollback();
        append("a", 1);
        append("b", 0);
        assertEquals(List.of(1L, 2L, 3L), indexes());
        assertTrue(chain.verify(null).intact());
    }

    @Test
    void aFailedAppendReleasesTheChainForTheNext() throws SQLException {
        append("a", 0);
        assertThrows(RuntimeException.class, () -> append("a", 0), "the same aggregate sequence twice");
        append("a", 1);
        assertEquals(List.of(1L, 2L), indexes());
        assertTrue(chain.verify(null).intact());
    }

    @Test
    void concurrentAppendsWithRollbacksKeepOneConsecutiveChain() throws Exception {
        ExecutorService pool8 = Executors.newFixedThreadPool(8);
        AtomicInteger committed = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String aggregate = "w" + w;
            done.add(pool8.submit(() -> {
                long seq = 0;
                for (int i = 0; i < 40; i++) {
                    Transaction t = tx.startTransaction();
                    engine.appendEvents(new GenericDomainEventMessage<>("Thing", aggregate, seq, new Noted("x")),
                            new GenericDomainEventMessage<>("Thing", aggregate, seq + 1, new Noted("y")));
                    if (i % 5 == 4) {
                        t.rollback();
                    } else {
                        t.commit();
                        committed.addAndGet(2);
                        seq += 2;
                    }
                    engine.appendEvents(GenericEventMessage.asEventMessage(new Noted("outside any aggregate")));
                    committed.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool8.shutdown();
        ChainVerdict v = chain.verify(null);
        assertTrue(v.intact(), v.problem());
        assertEquals(committed.get(), v.checked());
        assertEquals(committed.get(), v.head().sequence(), "consecutive from 1, no gaps");
    }

    @Test
    void aStoreFromBeforeTheChainIsChainedOnceWhenTheColumnIsAdded() throws SQLException {
        pool.dispose();
        Path legacy = dir.resolve("legacy");
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + legacy, "sa", "");
        tx = new JdbcTransactions(pool);
        JdbcEventStorageEngine old = JdbcEventStorageEngine.builder().connectionProvider(tx).transactionManager(tx)
                .eventSerializer(EventStoreFactory.serializer()).snapshotSerializer(EventStoreFactory.serializer()).build();
        old.createSchema(H2EventTableFactory.INSTANCE);
        old.appendEvents(new GenericDomainEventMessage<>("Thing", "a", 0, new Noted("old 1")));
        Transaction t = tx.startTransaction();
        old.appendEvents(new GenericDomainEventMessage<>("Thing", "a", 1, new Noted("rolled back")));
        t.rollback();
        old.appendEvents(new GenericDomainEventMessage<>("Thing", "a", 1, new Noted("old 2")));
        assertEquals(List.of(1L, 3L), indexes(), "the identity column leaves a gap where a transaction rolled back");

        engine = EventStoreFactory.engine(tx, EventStoreFactory.serializer());
        chain = new JdbcEventChain(pool, Clock.systemUTC());
        append("a", 2);
        assertEquals(List.of(1L, 3L, 4L), indexes());
        ChainVerdict v = chain.verify(null);
        assertTrue(v.intact(), v.problem());
        assertEquals(3, v.checked());

        EventStoreFactory.engine(tx, EventStoreFactory.serializer());
        sql("UPDATE DomainEventEntry SET chain_hash = NULL WHERE globalIndex = 1");
        EventStoreFactory.engine(tx, EventStoreFactory.serializer());
        assertBroken(chain.verify(null), 1, "no hash");
    }

    @Test
    void appendsGoOnAfterALastRowWithoutHashAndVerifyStillNamesThatRow() {
        appendTen();
        sql("UPDATE DomainEventEntry SET chain_hash = NULL WHERE globalIndex = 10");
        assertThrows(dev.tally.domain.DomainException.class, () -> chain.head(), "no checkpoint of a head without hash");
        append("c", 0);
        append("c", 1);
        assertBroken(chain.verify(null), 10, "no hash");
        sql("UPDATE DomainEventEntry SET chain_hash = ? WHERE globalIndex = 10", "zz".repeat(32));
        assertBroken(chain.verify(null), 10, "no valid hash");
    }

    private String hashAt(long index) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT chain_hash FROM DomainEventEntry WHERE globalIndex = ?")) {
            ps.setLong(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** What an attacker with write access does after an edit: recompute every hash after {@code afterIndex}. */
    private void rechainFrom(long afterIndex) throws SQLException {
        ChainHash hash = new ChainHash();
        String previous = afterIndex == 0 ? ChainHash.GENESIS : hashAt(afterIndex);
        try (Connection c = pool.getConnection(); ChainRows rows = ChainRows.from(c, afterIndex);
             PreparedStatement update = c.prepareStatement("UPDATE DomainEventEntry SET chain_hash = ? WHERE globalIndex = ?")) {
            for (ChainRows.Row r = rows.next(); r != null; r = rows.next()) {
                previous = hash.next(previous, r.row());
                update.setString(1, previous);
                update.setLong(2, r.row().globalIndex());
                update.executeUpdate();
            }
        }
    }
}
