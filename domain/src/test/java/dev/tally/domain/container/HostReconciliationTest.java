package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.autoRemoved;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.container.command.RecordExec;
import dev.tally.domain.container.command.RecordExecExit;
import dev.tally.domain.container.command.RecordExit;
import dev.tally.domain.container.command.RequestStart;
import dev.tally.domain.container.command.CreateContainer;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerExecExitUnknown;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.event.ContainerPauseFound;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.host.event.HostLeftoverRemoved;
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

    /** Issue 11: the kill and the removal were not recorded; now they are, before the host is touched. */
    @Test
    void aContainerTheLogDoesNotKnowIsRecordedAsRemovedByTheDaemonThenKilledAndRemoved() {
        String stray = "ab".repeat(32);
        f.runtime.leftRunning(stray, config("sleep", "60"));
        List<String> callsWhenRecorded = new java.util.ArrayList<>();
        f.axon.eventBus().subscribe(messages -> callsWhenRecorded.addAll(f.runtime.calls()));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(HostLeftoverRemoved.class), types(events));
        HostLeftoverRemoved removed = (HostLeftoverRemoved) events.get(0);
        assertEquals("container", removed.kind());
        assertEquals(stray, removed.id());
        assertTrue(removed.reason().contains("its process was running and is killed"), removed.reason());
        assertEquals("tallyd", removed.actor().user());
        assertTrue(removed.reason().contains("in no container of the log"), removed.reason());
        assertEquals(List.of(), callsWhenRecorded, "recorded before the host was touched");
        assertEquals(List.of("kill " + stray + " KILL", "remove " + stray), f.runtime.calls());
        assertFalse(f.runtime.exists(stray));
    }

    /**
     * Issue 11's leftover: a removal recorded, then cut short before the host was changed (a crash, a
     * removal that failed), was recorded again at the next start. Now the next start finishes it, and
     * the log holds one record of it.
     */
    @Test
    void aLeftoverWhoseRemovalWasCutShortIsRemovedAtTheNextStartWithoutASecondRecord() {
        String stray = "ef".repeat(32);
        f.runtime.leftRunning(stray, config("sleep", "60"));
        f.runtime.vanish(stray);
        f.runtime.failNextRemove(stray);
        assertEquals(List.of(HostLeftoverRemoved.class), types(f.eventsOf(f.reconciliation::reconcile)));
        assertTrue(f.runtime.exists(stray), "the removal was cut short");
        List<Object> next = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(), next, "recorded once");
        assertFalse(f.runtime.exists(stray));
        assertEquals(java.util.Set.of(), f.leftoverMarks.marked("container"));
    }

    @Test
    void aStoppedContainerTheLogDoesNotKnowIsRemovedWithoutAKill() {
        String stray = "cd".repeat(32);
        f.runtime.leftRunning(stray, config("sleep", "60"));
        f.runtime.vanish(stray);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertFalse(((HostLeftoverRemoved) events.get(0)).reason().contains("killed"));
        assertEquals(List.of("remove " + stray), f.runtime.calls());
    }

    /** Issue 11: a crash between the create's record and its bundle; the client was never answered. */
    @Test
    void aCreateRecordedWhoseBundleWasNeverFinishedIsRecordedAsFailedAndItsNameFreed() {
        String id = ContainerNaming.newId();
        f.commands.sendAndWait(new CreateContainer(id, "web", config("sleep", "60"), UseCaseFixture.IMAGE_ID, ALICE));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerCreateFailed.class), types(events));
        ContainerCreateFailed failed = (ContainerCreateFailed) events.get(0);
        assertEquals("the daemon stopped while preparing the container's bundle", failed.reason());
        assertEquals("tallyd", failed.actor().user());
        assertTrue(f.runtime.calls().contains("remove " + id));
        assertEquals(ContainerStatus.REMOVED, f.status(id));
        f.creation.create("web", config("sleep", "60"), ALICE);
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

    /** Issue 11: this was recorded as a real exit with code 255, at the restart's time. */
    @Test
    void aContainerGoneFromTheHostWithoutAnExitCodeIsRecordedAsAnExitWhoseCodeIsUnknownWithWhy() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.vanish(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerExitUnknown.class), types(events));
        ContainerExitUnknown unknown = (ContainerExitUnknown) events.get(0);
        assertEquals("the daemon was down when the container stopped, and no exit code was left "
                + "(its monitor wrote no exit file)", unknown.reason());
        assertEquals("tallyd", unknown.actor().user());
        assertEquals(ContainerStatus.EXITED, f.status(id));
        assertEquals(ContainerExitUnknown.EXIT_CODE, f.view(id).orElseThrow().exitCode());
        assertTrue(f.runtime.calls().contains("release " + id));
    }

    @Test
    void aContainerCreatedWithRmWhoseExitCodeIsUnknownIsRemovedInTheSameCommit() {
        String id = f.creation.create("web", autoRemoved("sleep", "60"), ALICE);
        f.lifecycle.start(id, ALICE);
        f.runtime.vanish(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerExitUnknown.class, ContainerRemoved.class), types(events));
        assertFalse(f.runtime.exists(id));
    }

    @Test
    void aHostThatFailsToAnswerOnceIsAskedAgainAndTheAnswerRecorded() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.exit(id, 7);
        f.runtime.dropReports();
        f.runtime.failInspect(id, "runc state: signal: killed", HostReconciliation.ASKS - 1);
        List<Object> events = f.eventsOf(() -> assertEquals(java.util.Set.of(), f.reconciliation.reconcile()));
        assertEquals(List.of(ContainerExited.class), types(events));
        assertEquals(7, ((ContainerExited) events.get(0)).exitCode());
    }

    /** Issue 11: a runc state that fails must never become an exit of a container that still runs. */
    @Test
    void aHostThatCannotAnswerRecordsNoExitAndTheContainerIsCheckedAgainLater() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.failInspect(id, "runc state 1 failed: resource temporarily unavailable");
        List<Object> events = f.eventsOf(() -> assertEquals(java.util.Set.of(id), f.reconciliation.reconcile()));
        assertEquals(List.of(ContainerRecoveryFailed.class), types(events));
        assertEquals(ContainerStatus.RUNNING, f.status(id));
        assertEquals(List.of(), f.eventsOf(() -> assertEquals(java.util.Set.of(id),
                f.reconciliation.recheck(java.util.Set.of(id)))), "a failed recheck records nothing more");
        f.runtime.answerInspect(id);
        assertEquals(List.of(), f.eventsOf(() -> assertEquals(java.util.Set.of(),
                f.reconciliation.recheck(java.util.Set.of(id)))), "still running: nothing to record");
        assertEquals(ContainerStatus.RUNNING, f.status(id));
    }

    @Test
    void aRecheckRecordsTheExitTheHostCouldNotTellAtStart() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.exit(id, 3);
        f.runtime.dropReports();
        f.runtime.failInspect(id, "runc state 1 failed: resource temporarily unavailable");
        f.reconciliation.reconcile();
        f.runtime.answerInspect(id);
        List<Object> events = f.eventsOf(() -> f.reconciliation.recheck(java.util.Set.of(id)));
        assertEquals(List.of(ContainerExited.class), types(events));
        assertEquals(3, ((ContainerExited) events.get(0)).exitCode());
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

    /**
     * Issue 11: a daemon killed between runc's create and letting the program run left the container
     * "created" with its monitor alive, and the reconciler waited for an exit that never came: the
     * container stayed starting until removed.
     */
    @Test
    void aStartCutShortAfterTheRuntimeCreatedItIsRecordedAsFailedAndWhatItMadeIsRemoved() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        f.commands.sendAndWait(new RequestStart(id, ALICE));
        f.runtime.createdNeverStarted(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerStartFailed.class), types(events));
        assertEquals(Reconciliation.START_CUT_SHORT, ((ContainerStartFailed) events.get(0)).reason());
        assertEquals(Actor.daemon(), ((ContainerStartFailed) events.get(0)).actor());
        assertTrue(f.runtime.calls().contains("release " + id), "the waiting process is ended");
        assertEquals(List.of(), f.eventsOf(f.runtime::reportExits),
                "the exit of the process the release ended is no exit of the container: it never ran");
        assertEquals(ContainerStatus.CREATED, f.status(id));
        f.lifecycle.start(id, ALICE);
        assertEquals(ContainerStatus.RUNNING, f.status(id), "it can be started again");
    }

    /** A cut start of a {@code --rm} container ends as a failed live start of one does: removed. */
    @Test
    void aStartCutShortOfAContainerCreatedWithRmIsRecordedAsFailedThenRemoved() {
        String id = f.creation.create("web", autoRemoved("sleep", "60"), ALICE);
        f.commands.sendAndWait(new RequestStart(id, ALICE));
        f.runtime.createdNeverStarted(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerStartFailed.class, ContainerRemoved.class), types(events));
        assertEquals(Reconciliation.START_CUT_SHORT, ((ContainerStartFailed) events.get(0)).reason());
        assertFalse(f.runtime.exists(id));
        assertEquals(List.of(id + " by tallyd"), f.removedWithVolumes, "its anonymous volumes go with it");
    }

    @Test
    void aStartInterruptedBeforeTheProcessRanOfAContainerCreatedWithRmIsRecordedAsFailedThenRemoved() {
        String id = f.creation.create("web", autoRemoved("sleep", "60"), ALICE);
        f.commands.sendAndWait(new RequestStart(id, ALICE));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerStartFailed.class, ContainerRemoved.class), types(events));
        assertFalse(f.runtime.exists(id));
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
        f.commands.sendAndWait(new RecordExit(id, 0, Instant.now(), 0, Actor.daemon()));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerRemoved.class), types(events));
        assertFalse(f.runtime.exists(id));
        assertEquals(List.of(id + " by tallyd"), f.removedWithVolumes, "its anonymous volumes go with it");
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
        // its program ran: the start is recorded before the exit (the log had neither)
        assertEquals(List.of(ContainerStarted.class, ContainerExited.class), types(events));
        assertEquals(3, ((ContainerExited) events.get(1)).exitCode());
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

    private void execStarted(String container, String exec) {
        f.commands.sendAndWait(new RecordExec(container, exec, new ExecSpec(List.of("sleep", "300"), false, "", "",
                List.of()), ALICE));
    }

    /** Issue 11: an exec running when the daemon died stayed started forever in the log. */
    @Test
    void anExecRunningWhenTheDaemonStoppedIsRecordedAsEndedWithAnUnknownCodeOnce() {
        String id = f.running(ALICE, "sleep", "60");
        execStarted(id, "e1");
        execStarted(id, "e2");
        f.commands.sendAndWait(new RecordExecExit(id, "e2", 0, Actor.daemon()));
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerExecExitUnknown.class), types(events));
        ContainerExecExitUnknown unknown = (ContainerExecExitUnknown) events.get(0);
        assertEquals(id, unknown.containerId());
        assertEquals("e1", unknown.execId());
        assertEquals("the daemon stopped while the exec ran, and its exit code was not kept "
                + "(an exec is not followed across a restart)", unknown.reason());
        assertEquals("tallyd", unknown.actor().user());
        assertEquals(ContainerStatus.RUNNING, f.status(id), "the container itself still runs");
        assertEquals(List.of(), f.eventsOf(f.reconciliation::reconcile), "settled once");
    }

    @Test
    void anExecOfAContainerThatExitedMeanwhileIsSettledBeforeTheContainersExit() {
        String id = f.creation.create("web", autoRemoved("sleep", "60"), ALICE);
        f.lifecycle.start(id, ALICE);
        execStarted(id, "e1");
        f.runtime.vanish(id);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerExecExitUnknown.class, ContainerExitUnknown.class, ContainerRemoved.class),
                types(events));
    }

    /** A recheck runs while the daemon serves: an exec started then is followed, never settled. */
    @Test
    void aRecheckLeavesTheExecsOfTheRunningDaemonAlone() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.failInspect(id, "runc state 1 failed: resource temporarily unavailable");
        f.reconciliation.reconcile();
        execStarted(id, "e1");
        f.runtime.answerInspect(id);
        assertEquals(List.of(), f.eventsOf(() -> f.reconciliation.recheck(java.util.Set.of(id))));
    }

    /**
     * Issue 11: when settling the execs failed at start, the rechecks did not settle them, so they
     * stayed open in the log until the next start. Now the failure is recorded with what failed, and
     * a recheck settles the execs the daemon before this one left, not those this one runs.
     */
    @Test
    void execsWhoseSettlingFailedAtStartAreSettledByARecheckAndTheFailureSaysWhy() {
        String id = f.running(ALICE, "sleep", "60");
        execStarted(id, "left");
        java.util.concurrent.atomic.AtomicBoolean failOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        f.axon.commandBus().registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof dev.tally.domain.container.command.SettleOpenExecs
                    && failOnce.getAndSet(false)) {
                throw new IllegalStateException("the store is not answering");
            }
            return chain.proceed();
        });
        List<Object> atStart = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerRecoveryFailed.class), types(atStart));
        String reason = ((ContainerRecoveryFailed) atStart.get(0)).reason();
        assertTrue(reason.contains("execs no daemon follows") && reason.contains("the store is not answering"), reason);

        execStarted(id, "ours");
        List<Object> rechecked = f.eventsOf(() -> assertEquals(java.util.Set.of(),
                f.reconciliation.recheck(java.util.Set.of(id))));
        assertEquals(List.of(ContainerExecExitUnknown.class), types(rechecked));
        assertEquals("left", ((ContainerExecExitUnknown) rechecked.get(0)).execId());
        assertEquals(List.of(), f.eventsOf(() -> f.reconciliation.recheck(java.util.Set.of(id))),
                "the exec this daemon runs stays open, and the settled one is settled once");
    }

    /**
     * Issue 11: a crash between runc pause and its record left a frozen container that the log called
     * running, and unpause answered 409. The log now records what the host holds, by tallyd, with why.
     */
    @Test
    void aContainerFoundFrozenAtStartIsRecordedPausedWithWhyAndCanBeUnpaused() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.freeze(id, true);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerPauseFound.class), types(events));
        ContainerPauseFound found = (ContainerPauseFound) events.get(0);
        assertTrue(found.paused());
        assertEquals("tallyd", found.actor().user());
        assertTrue(found.reason().startsWith("found frozen at start-up while the log had it running"), found.reason());
        assertTrue(f.view(id).orElseThrow().paused());
        assertEquals(List.of(), f.eventsOf(f.reconciliation::reconcile), "recorded once");
        f.operations.unpause(id, ALICE);
        assertFalse(f.view(id).orElseThrow().paused());
    }

    @Test
    void aContainerFoundThawedWhileTheLogHasItPausedIsRecordedUnpausedWithWhy() {
        String id = f.running(ALICE, "sleep", "60");
        f.operations.pause(id, ALICE);
        f.runtime.freeze(id, false);
        List<Object> events = f.eventsOf(f.reconciliation::reconcile);
        assertEquals(List.of(ContainerPauseFound.class), types(events));
        ContainerPauseFound found = (ContainerPauseFound) events.get(0);
        assertFalse(found.paused());
        assertTrue(found.reason().startsWith("found running, not frozen, at start-up while the log had it paused"),
                found.reason());
        assertFalse(f.view(id).orElseThrow().paused());
        assertEquals(ContainerStatus.RUNNING, f.status(id));
    }
}
