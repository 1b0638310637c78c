package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.container.ContainerRuntime.Exit;
import dev.tally.domain.container.ContainerRuntime.HostState;
import dev.tally.domain.container.Reconciliation.Step;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconciliationTest {

    private static final HostState RUNNING = new HostState(true, 42, Optional.empty());
    private static final HostState EXITED = new HostState(false, 0, Optional.of(new Exit(3, Instant.EPOCH)));
    private static final HostState EXIT_PENDING = new HostState(false, 42, Optional.empty(), true);
    private static final HostState FROZEN = new HostState(true, 42, Optional.empty(), false, true);

    @Test
    void onlyContainersRunningOrStartingInTheLogAreLookedUpOnTheHost() {
        assertTrue(Reconciliation.asksTheHost(ContainerStatus.RUNNING));
        assertTrue(Reconciliation.asksTheHost(ContainerStatus.STARTING));
        assertFalse(Reconciliation.asksTheHost(ContainerStatus.CREATED));
        assertFalse(Reconciliation.asksTheHost(ContainerStatus.EXITED));
    }

    @Test
    void anExitedContainerCreatedWithRmIsRemovedAndAnyOtherReleased() {
        assertEquals(Step.REMOVE, Reconciliation.step(ContainerStatus.EXITED, true, true));
        assertEquals(Step.RELEASE, Reconciliation.step(ContainerStatus.EXITED, false, true));
        assertEquals(Step.RELEASE, Reconciliation.step(ContainerStatus.CREATED, true, true));
    }

    @Test
    void aCreatedContainerWhoseBundleIsNotWholeHasItsCreateUndone() {
        assertEquals(Step.UNDO_CREATE, Reconciliation.step(ContainerStatus.CREATED, false, false));
        assertEquals(Step.RELEASE, Reconciliation.step(ContainerStatus.EXITED, false, false),
                "only a create is undone: a container that ran had its bundle");
    }

    @Test
    void aProcessThatEndedBeforeItsMonitorWroteTheExitIsLeftForTheMonitorToReport() {
        assertEquals(Step.KEEP, Reconciliation.step(ContainerStatus.RUNNING, EXIT_PENDING));
        assertEquals(Step.KEEP, Reconciliation.step(ContainerStatus.STARTING, EXIT_PENDING));
    }

    /** Issue 11: such a container was kept, as if its exit were pending, and stayed starting. */
    @Test
    void aContainerCreatedAndNeverStartedOnTheHostHasItsStartUndoneNeverKept() {
        assertEquals(Step.UNDO_START, Reconciliation.step(ContainerStatus.STARTING, HostState.createdOnly(42)));
        assertEquals(Step.RECORD_UNKNOWN_EXIT, Reconciliation.step(ContainerStatus.RUNNING, HostState.createdOnly(42)),
                "the process the log has running is not the one the host holds, which never ran");
    }

    @Test
    void aContainerTheHostRunsIsKeptOrItsStartRecorded() {
        assertEquals(Step.KEEP, Reconciliation.step(ContainerStatus.RUNNING, RUNNING));
        assertEquals(Step.RECORD_STARTED, Reconciliation.step(ContainerStatus.STARTING, RUNNING));
    }

    /** Issue 11: a crash between runc pause and its record left a frozen container the log called running. */
    @Test
    void aPauseOnTheHostThatTheLogDoesNotHaveIsRecordedAsFoundAndTheReverseToo() {
        assertEquals(Step.RECORD_PAUSE_FOUND, Reconciliation.step(ContainerStatus.RUNNING, false, FROZEN));
        assertEquals(Step.RECORD_PAUSE_FOUND, Reconciliation.step(ContainerStatus.RUNNING, true, RUNNING));
        assertEquals(Step.KEEP, Reconciliation.step(ContainerStatus.RUNNING, true, FROZEN));
        assertEquals(Step.KEEP, Reconciliation.step(ContainerStatus.RUNNING, false, RUNNING));
        assertEquals(Step.RECORD_STARTED, Reconciliation.step(ContainerStatus.STARTING, false, FROZEN));
    }

    @Test
    void aStartingContainerGoneWithoutAnExitFailedToStart() {
        assertEquals(Step.RECORD_START_FAILED, Reconciliation.step(ContainerStatus.STARTING, HostState.gone()));
        assertEquals(Step.RECORD_EXIT, Reconciliation.step(ContainerStatus.STARTING, EXITED));
    }

    @Test
    void aRunningContainerTheHostNoLongerRunsExitedWithItsCodeOrAnUnknownOne() {
        assertEquals(Step.RECORD_EXIT, Reconciliation.step(ContainerStatus.RUNNING, EXITED));
        assertEquals(Step.RECORD_UNKNOWN_EXIT, Reconciliation.step(ContainerStatus.RUNNING, HostState.gone()));
    }
}
