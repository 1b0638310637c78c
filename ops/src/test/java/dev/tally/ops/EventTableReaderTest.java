package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.StoredEvents;
import dev.tally.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event table read by position, as {@code /events} reads it, in a real H2 store. */
class EventTableReaderTest {

    @TempDir
    Path dir;
    private Store store;
    private StoredEvents log;
    private List<StoredEvents.Stored> all;

    @BeforeEach
    void fill() {
        store = Store.open(Store.h2File(dir.resolve("events/tally")));
        store.engine();
        log = store.storedEvents();
        assertEquals(1, log.next(), "an empty log starts at 1");
        assertEquals(1, log.firstAtOrAfter(Instant.EPOCH));
        long events = AuditBenchmark.fill(store, 2_000);
        all = log.read(1, 5_000);
        assertEquals(events, all.size());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void positionsAreDenseFromOneAndTheNextFollowsTheLast() {
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).position());
        }
        assertEquals(all.size() + 1, log.next());
        assertEquals(all.subList(700, 710), log.read(701, 10));
        assertEquals(List.of(), log.read(log.next(), 10));
    }

    @Test
    void theFirstEventAtATimeIsTheFirstWhoseTimeIsNotBeforeIt() {
        assertEquals(1, log.firstAtOrAfter(Instant.EPOCH));
        assertEquals(log.next(), log.firstAtOrAfter(all.get(all.size() - 1).at().plusNanos(1)));
        for (int i = 0; i < all.size(); i += 37) {
            Instant at = all.get(i).at();
            for (Instant probe : List.of(at, at.minusNanos(1), at.plusNanos(1))) {
                assertEquals(firstByScan(probe), log.firstAtOrAfter(probe), probe.toString());
            }
        }
    }

    @Test
    void anAggregatesHistoryIsItsEventsBeforeThePosition() {
        StoredEvents.Stored middle = all.get(1_003);
        String id = ((DomainEvent) middle.payload()).audience().id();
        List<StoredEvents.Stored> expected = all.stream().filter(s -> s.position() < middle.position()
                && s.payload() instanceof DomainEvent e && e.audience().id().equals(id)).toList();
        assertTrue(!expected.isEmpty(), "the container was created before");
        assertEquals(expected, log.history(id, middle.position()));
        assertEquals(List.of(), log.history(id, expected.get(0).position()));
    }

    private long firstByScan(Instant at) {
        return all.stream().filter(s -> !s.at().isBefore(at)).mapToLong(StoredEvents.Stored::position).findFirst()
                .orElse(log.next());
    }
}
