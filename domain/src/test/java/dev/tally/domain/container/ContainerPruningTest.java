package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.container.event.ContainerRemoved;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerPruningTest {

    private final UseCaseFixture f = new UseCaseFixture();
    private final FakeContainerResources resources = new FakeContainerResources();
    private final ContainerPruning pruning = new ContainerPruning(f.visible, f.lifecycle,
            new ContainerStats(f.visible, resources), f.access);

    @AfterEach
    void close() {
        f.close();
    }

    private String exited(dev.tally.domain.Actor owner) {
        String id = f.running(owner, "true");
        f.runtime.reportExits();
        return id;
    }

    @Test
    void aUserPrunesTheirOwnStoppedContainersEachRecordedAsTheirRemoval() {
        String done = exited(ALICE);
        String created = f.creation.create(null, UseCaseFixture.config("true"), ALICE);
        String running = f.running(ALICE, "sleep", "60");
        String bobs = exited(BOB);
        resources.written.put(done, 100L);
        resources.written.put(created, 20L);

        List<Object> events = f.eventsOf(() -> {
            ContainerPruning.Pruned p = pruning.prune(c -> true, ALICE);
            assertEquals(Set.of(done, created), Set.copyOf(p.ids()));
            assertEquals(120L, p.bytes());
        });
        assertEquals(2, events.size());
        for (Object e : events) {
            assertEquals(ALICE, ((ContainerRemoved) e).actor());
        }
        assertEquals(ContainerStatus.RUNNING, f.status(running));
        assertEquals(ContainerStatus.EXITED, f.status(bobs));
    }

    @Test
    void anAdminPrunesAnyonesStoppedContainers() {
        String alices = exited(ALICE);
        String bobs = exited(BOB);
        assertEquals(Set.of(alices, bobs), Set.copyOf(pruning.prune(c -> true, ROOT).ids()));
    }

    @Test
    void onlyWhatTheFiltersAcceptIsPruned() {
        String kept = exited(ALICE);
        String pruned = exited(ALICE);
        assertEquals(List.of(pruned), pruning.prune(c -> c.id().equals(pruned), ALICE).ids());
        assertEquals(ContainerStatus.EXITED, f.status(kept));
    }
}
