package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRemoved;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcHeldNamesTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", List.of(), List.of("true"), List.of(),
            "", "", "", Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false,
            ContainerConfig.HostAccess.NONE);

    @TempDir
    Path dir;
    private Store store;

    @BeforeEach
    void open() {
        store = Store.open(Store.h2File(dir.resolve("tally")));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void created(String id, String name, long seq) {
        store.engine().appendEvents(new GenericDomainEventMessage<>("Container", id, seq,
                new ContainerCreated(id, name, CONFIG, "sha256:ab", ALICE, Instant.now())));
    }

    private void removed(String id, String name, long seq) {
        store.engine().appendEvents(new GenericDomainEventMessage<>("Container", id, seq,
                new ContainerRemoved(id, name, ALICE, Instant.now())));
    }

    @Test
    void aStoreWithoutTheTableGetsItFilledFromTheLog() {
        created("a", "web", 0);
        created("b", "db", 0);
        removed("a", "web", 1);
        JdbcHeldNames names = JdbcHeldNames.open(store);
        assertEquals(Optional.empty(), names.holder("web"));
        assertEquals(Optional.of("b"), names.holder("db"));
    }

    @Test
    void aStoreWithTheTableIsNotFilledAgain() {
        JdbcHeldNames.open(store);
        created("a", "web", 0);
        assertEquals(Optional.empty(), JdbcHeldNames.open(store).holder("web"));
    }

    @Test
    void aNameIsHeldOnlyOnceTheTransactionThatHoldsItCommits() {
        JdbcHeldNames names = JdbcHeldNames.open(store);
        Transaction rolledBack = store.transactions().startTransaction();
        names.hold("web", "a");
        rolledBack.rollback();
        assertEquals(Optional.empty(), names.holder("web"));
        Transaction committed = store.transactions().startTransaction();
        names.hold("web", "a");
        committed.commit();
        assertEquals(Optional.of("a"), names.holder("web"));
    }

    @Test
    void freeingLeavesANameHeldByAnotherContainer() {
        JdbcHeldNames names = JdbcHeldNames.open(store);
        names.hold("web", "a");
        names.free("web", "b");
        assertEquals(Optional.of("a"), names.holder("web"));
        names.free("web", "a");
        assertEquals(Optional.empty(), names.holder("web"));
    }
}
