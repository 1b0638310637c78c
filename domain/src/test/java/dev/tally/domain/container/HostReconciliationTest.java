package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.autoRemoved;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.container.command.RecordExit;
import dev.tally.domain.container.command.RequestStart;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerRecoveryFailed;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStarted;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostReconciliationTest {

    private final UseCaseFixture f = new UseCaseFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static List<Class<?>> types(List<Object> events) {
        return events.stream().<Class<?>>map(Object::getClass).toList();
    }

    /** Issue 11: the kill and the removal are not recorded. */
    @Test
    void aContainerTheLogDoesNotKnowIsKilledAndRemovedFromTheHostWithoutAnEvent() {
        String stray = "ab".repeat(32);
        f.runtime.leftRunning(stray, config("sleep", "60"));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(), events);
        assertEquals(List.of("kill " + stray + " KILL", "remove " + stray), f.runtime.calls());
    }

    @Test
    void anExitWhileTheDaemonWasDownIsRecordedWithItsRealCode() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.exit(id, 7);
        f.runtime.dropReports();
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerExited.class), types(events));
        assertEquals(7, ((ContainerExited) events.get(0)).exitCode());
    }

    @Test
    void aContainerGoneFromTheHostWithoutAnExitIsRecordedAsExitedWith255() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.remove(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(255, ((ContainerExited) events.get(0)).exitCode());
    }

    @Test
    void aStartInterruptedBeforeTheProcessRanIsRecordedAsFailed() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        f.commands.sendAndWait(new RequestStart(id, ALICE));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerStartFailed.class), types(events));
        assertEquals("the daemon stopped while starting it", ((ContainerStartFailed) events.get(0)).reason());
        assertTrue(f.runtime.calls().contains("release " + id));
    }

    @Test
    void aStartThatSucceededWhileTheDaemonWasDownIsRecordedWithItsPid() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        f.commands.sendAndWait(new RequestStart(id, ALICE));
        long pid = f.runtime.start(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerStarted.class), types(events));
        assertEquals(pid, ((ContainerStarted) events.get(0)).pid());
    }

    @Test
    void aContainerStillRunningIsAdoptedAsItIs() {
        String id = f.running(ALICE, "sleep", "60");
        assertEquals(List.of(), f.eventsOf(f.reconciliation::reconcile));
        assertEquals(ContainerStatus.RUNNING, f.status(id));
    }

    @Test
    void anExitedContainerCreatedWithRmWhoseRemovalWasMissedIsRemoved() {
        String id = f.creation.create("web", autoRemoved("sleep", "60"), ALICE);
        f.lifecycle.start(id, ALICE);
        f.runtime.exit(id, 0);
        f.runtime.dropReports();
        f.commands.sendAndWait(new RecordExit(id, 0, Instant.now(), Actor.daemon()));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerRemoved.class), types(events));
        assertFalse(f.runtime.exists(id));
    }

    @Test
    void aContainerThatIsNotRunningHasWhatItLeftOnTheHostReleased() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        assertEquals(List.of(), f.eventsOf(f.reconciliation::reconcile));
        assertTrue(f.runtime.calls().contains("release " + id));
    }
    @Test
    void anExitRecordedWhileTheReconcilerWorksIsNotContradictedByWhatItListedBefore() {
        // the daemon died after the process started and before the start was recorded; the process
        // then ended, and its monitor reports that while the reconciler looks at another container
        String started = f.creation.create("web", config("sleep", "60"), ALICE);
        f.commands.sendAndWait(new RequestStart(started, ALICE));
        f.runtime.start(started);
        f.runtime.exit(started, 3);
        String other = f.running(ALICE, "sleep", "60");
        assertTrue(f.view(other).orElseThrow().created().isAfter(f.view(started).orElseThrow().created()),
                "the newest is listed, and so inspected, first");
        f.runtime.reportExitsWhileInspecting(other);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerExited.class), types(events));
        assertEquals(3, ((ContainerExited) events.get(0)).exitCode());
    }

    @Test
    void aProcessWhoseMonitorHasNotWrittenItsExitYetIsLeftForTheMonitorToReport() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.exitPending(id, 4);
        assertEquals(List.of(), f.eventsOf(f.reconciliation::reconcile));
        assertEquals(ContainerStatus.RUNNING, f.status(id));
        List<Object> reported = f.eventsOf(f.runtime::reportExits);
        assertEquals(List.of(ContainerExited.class), types(reported));
        assertEquals(4, ((ContainerExited) reported.get(0)).exitCode());
    }

    @Test
    void aContainerTheHostCannotBeAskedAboutIsRecordedAsNotRecoveredAndTheOthersStillAre() {
        String unknown = f.running(ALICE, "sleep", "60");
        String exited = f.running(ALICE, "sleep", "60");
        f.runtime.exit(exited, 7);
        f.runtime.dropReports();
        f.runtime.failInspect(unknown, "runc state: no such file or directory");
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(2, events.size(), events.toString());
        ContainerRecoveryFailed failed = events.stream().filter(ContainerRecoveryFailed.class::isInstance)
                .map(ContainerRecoveryFailed.class::cast).findFirst().orElseThrow();
        assertEquals(unknown, failed.containerId());
        assertEquals("runc state: no such file or directory", failed.reason());
        assertEquals(ContainerStatus.RUNNING, f.status(unknown), "its state in the log is left as it was");
        assertEquals(7, events.stream().filter(ContainerExited.class::isInstance).map(ContainerExited.class::cast)
                .findFirst().orElseThrow().exitCode());
    }
}
