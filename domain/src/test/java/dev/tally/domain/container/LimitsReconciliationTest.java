package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.container.event.ContainerUpdated;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LimitsReconciliationTest {

    private final UseCaseFixture f = new UseCaseFixture();
    private final FakeContainerResources resources = new FakeContainerResources();
    private final LimitsReconciliation reconciliation = new LimitsReconciliation(f.commands, f.views, resources,
            new UseCaseFixture.InOrder());

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void limitsTheHostTookWithoutARecordAreRecordedAsTheDaemonFoundThem() {
        String id = f.running(ALICE, "sleep", "60");
        ContainerConfig.Limits taken = new ContainerConfig.Limits(32L << 20, 0, 40);
        resources.limits.put(id, taken); // the host took an update; the daemon died before recording it
        List<Object> events = f.eventsOf(() -> assertEquals(List.of(id), reconciliation.reconcile()));
        assertEquals(1, events.size());
        ContainerUpdated u = (ContainerUpdated) events.get(0);
        assertEquals(taken, u.limits());
        assertEquals(Actor.daemon().user(), u.actor().user());
        assertEquals(taken, f.view(id).orElseThrow().config().limits());
    }

    @Test
    void aBundleAsTheLogHasItRecordsNothing() {
        String id = f.running(ALICE, "sleep", "60");
        resources.limits.put(id, ContainerConfig.Limits.NONE);
        assertEquals(List.of(), f.eventsOf(() -> assertEquals(List.of(), reconciliation.reconcile())));
    }
}
