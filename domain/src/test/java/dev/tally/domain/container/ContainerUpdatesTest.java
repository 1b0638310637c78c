package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.event.ContainerUpdated;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerUpdatesTest {

    private static final LimitsChange MEMORY_32M = new LimitsChange(32L << 20, null, null, null, null, null, null);

    private final UseCaseFixture f = new UseCaseFixture();
    private final FakeContainerResources resources = new FakeContainerResources();
    private final ContainerUpdates updates = new ContainerUpdates(f.commands, resources, f.visible, f.access,
            new HostLookup() {
                @Override
                public OptionalInt uidOf(String user) {
                    return OptionalInt.empty();
                }

                @Override
                public String realPath(String absolutePath) {
                    return absolutePath;
                }
            }, new UseCaseFixture.InOrder());

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void theHostTakesTheLimitsThenTheLogRecordsThemWithWhoAsked() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> updates.update(id, MEMORY_32M, List.of(), ALICE));
        assertEquals(List.of(id), resources.updated);
        assertEquals(32L << 20, resources.limits.get(id).memoryBytes());
        assertEquals(1, events.size());
        ContainerUpdated u = (ContainerUpdated) events.get(0);
        assertEquals(ALICE, u.actor());
        assertEquals(resources.limits.get(id), u.limits());
        assertEquals(32L << 20, f.view(id).orElseThrow().config().limits().memoryBytes(), "inspect shows the new limit");
    }

    @Test
    void limitsNotAskedForStayAsTheyWere() {
        String id = f.running(ALICE, "sleep", "60");
        updates.update(id, new LimitsChange(null, null, null, null, 40L, null, null), List.of(), ALICE);
        updates.update(id, MEMORY_32M, List.of(), ALICE);
        assertEquals(new ContainerConfig.Limits(32L << 20, 0, 40), f.view(id).orElseThrow().config().limits());
    }

    @Test
    void whatTheHostRefusesIsNotRecorded() {
        String id = f.running(ALICE, "sleep", "60");
        resources.refusal = new DomainException(DomainException.Kind.FAILED, "runc update: device or resource busy");
        List<Object> events = f.eventsOf(() -> assertThrows(DomainException.class,
                () -> updates.update(id, MEMORY_32M, List.of(), ALICE)));
        assertEquals(List.of(), events);
        assertEquals(0, f.view(id).orElseThrow().config().limits().memoryBytes());
    }

    @Test
    void anotherUsersContainerIsNotFoundAndTheAttemptIsRecorded() {
        String id = f.running(ALICE, "sleep", "60");
        DomainException e = assertThrows(DomainException.class, () -> updates.update(id, MEMORY_32M, List.of(), BOB));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        assertEquals(List.of(), resources.updated);
        AccessDenied denied = f.denials().get(0);
        assertEquals("container.update", denied.action());
    }

    @Test
    void anOptionTallyDoesNotUpdateIsRefusedBeforeAnythingHappens() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> {
            DomainException e = assertThrows(DomainException.class, () -> updates.update(id, MEMORY_32M,
                    List.of(new AskedOption(ContainerOption.OTHER, "BlkioWeight")), ALICE));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            assertTrue(e.getMessage().contains("BlkioWeight"), e.getMessage());
        });
        assertEquals(List.of(), events);
        assertEquals(List.of(), resources.updated);
    }

    @Test
    void aMemoryLimitAboveTheSwapLimitAlreadySetIsAConflict() {
        String id = f.running(ALICE, "sleep", "60");
        updates.update(id, new LimitsChange(32L << 20, 64L << 20, null, null, null, null, null), List.of(), ALICE);
        DomainException e = assertThrows(DomainException.class,
                () -> updates.update(id, new LimitsChange(128L << 20, null, null, null, null, null, null), List.of(), ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        updates.update(id, new LimitsChange(128L << 20, 256L << 20, null, null, null, null, null), List.of(), ALICE);
        assertEquals(128L << 20, resources.limits.get(id).memoryBytes());
    }
}
