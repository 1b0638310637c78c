package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.command.CreateContainer;
import dev.tally.domain.container.command.RecordExit;
import dev.tally.domain.container.command.RecordExitAndRemove;
import dev.tally.domain.container.command.RecordExitUnknown;
import dev.tally.domain.container.command.RecordStarted;
import dev.tally.domain.container.command.RemoveContainer;
import dev.tally.domain.container.command.RequestKill;
import dev.tally.domain.container.command.RequestStart;
import dev.tally.domain.container.command.UpdateContainer;
import dev.tally.domain.container.command.RequestStop;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerUpdated;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerTest {

    private static final String ID = "c0ffee";
    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", null, List.of("true"), null,
            null, null, null, null, false, false, null, null, null, false, null);

    private AggregateTestFixture<Container> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Container.class);
    }

    private ContainerCreated created() {
        return new ContainerCreated(ID, "web", CONFIG, "sha256:ab", ALICE, T);
    }

    @Test
    void creatingRecordsTheConfigurationAndTheActor() {
        fixture.givenNoPriorActivity()
                .when(new CreateContainer(ID, "web", CONFIG, "sha256:ab", ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerCreated c && c.actor().equals(ALICE)
                                && c.name().equals("web") && c.config().equals(CONFIG)),
                        Matchers.andNoMore())));
    }

    @Test
    void startIsRecordedAsAnIntentBeforeItsOutcome() {
        fixture.given(created())
                .when(new RequestStart(ID, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerStartRequested r && r.actor().equals(ALICE)),
                        Matchers.andNoMore())));
    }

    @Test
    void startingARunningContainerIsNotModified() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new RequestStart(ID, ALICE))
                .expectException(DomainException.class)
                .expectExceptionMessage("container web is already running");
    }

    @Test
    void anUpdateRecordsTheNewLimitsAndWhoAsked() {
        ContainerConfig.Limits limits = new ContainerConfig.Limits(32 << 20, 0, 40);
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new UpdateContainer(ID, limits, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerUpdated u && u.actor().equals(ALICE)
                                && u.limits().equals(limits)),
                        Matchers.andNoMore())));
    }

    @Test
    void aStoppedContainerMayBeUpdatedForItsNextStart() {
        fixture.given(created())
                .when(new UpdateContainer(ID, new ContainerConfig.Limits(32 << 20, 0, 0), ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(ContainerUpdated.class::isInstance), Matchers.andNoMore())));
    }

    @Test
    void aRemovedContainerCannotBeUpdated() {
        fixture.given(created(), new ContainerRemoved(ID, "web", ALICE, T))
                .when(new UpdateContainer(ID, ContainerConfig.Limits.NONE, ALICE))
                .expectException(org.axonframework.eventsourcing.AggregateDeletedException.class);
    }

    @Test
    void aStartOutcomeWithoutAnIntentIsRejected() {
        fixture.given(created())
                .when(new RecordStarted(ID, 7, ALICE))
                .expectException(DomainException.class);
    }

    @Test
    void anExitIsRecordedOnceOnly() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T),
                        new ContainerExited(ID, 3, Actor.daemon(), T))
                .when(new RecordExit(ID, 3, T, 7, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(RecordedExit.NOT_RUNNING);
    }

    /** Two runs: pid 7 started at T and exited; started again at T2 (pid 8 once it runs). */
    private Object[] startedAgain(boolean running) {
        Instant t2 = T.plusSeconds(60);
        List<Object> events = new java.util.ArrayList<>(List.of(created(), new ContainerStartRequested(ID, "web", ALICE, T),
                new ContainerStarted(ID, 7, ALICE, T), new ContainerExited(ID, 3, Actor.daemon(), T.plusSeconds(1)),
                new ContainerStartRequested(ID, "web", ALICE, t2)));
        if (running) {
            events.add(new ContainerStarted(ID, 8, ALICE, t2));
        }
        return events.toArray();
    }

    @Test
    void anEarlierRunsExitReportedAfterTheContainerRunsAgainIsNotRecorded() {
        fixture.given(startedAgain(true))
                .when(new RecordExit(ID, 3, T.plusSeconds(1), 7, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(RecordedExit.ANOTHER_RUN);
        fixture.given(startedAgain(true))
                .when(new RecordExitAndRemove(ID, 3, T.plusSeconds(1), 7, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(RecordedExit.ANOTHER_RUN);
    }

    @Test
    void anExitOfTheRunningRunIsRecordedByItsPidWhateverItsTime() {
        fixture.given(startedAgain(true))
                .when(new RecordExit(ID, 0, T, 8, Actor.daemon()))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerExited x && x.exitCode() == 0), Matchers.andNoMore())))
                .expectResultMessagePayload(RecordedExit.RECORDED);
    }

    @Test
    void anExitWhosePidIsUnknownIsAnEarlierRunsWhenItCameBeforeTheStart() {
        fixture.given(startedAgain(true))
                .when(new RecordExit(ID, 3, T.plusSeconds(1), 0, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(RecordedExit.ANOTHER_RUN);
        fixture.given(startedAgain(true))
                .when(new RecordExit(ID, 3, T.plusSeconds(61), 0, Actor.daemon()))
                .expectResultMessagePayload(RecordedExit.RECORDED);
    }

    @Test
    void anEarlierRunsExitReportedWhileTheContainerStartsAgainIsNotRecorded() {
        fixture.given(startedAgain(false))
                .when(new RecordExit(ID, 3, T.plusSeconds(1), 7, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(RecordedExit.ANOTHER_RUN);
    }

    @Test
    void anExitOfTheStartingRunIsRecordedThoughItsPidWasReusedOrTheClockSetBack() {
        // the same pid as the previous run, after this start was asked for: a reused pid
        fixture.given(startedAgain(false))
                .when(new RecordExit(ID, 0, T.plusSeconds(61), 7, Actor.daemon()))
                .expectResultMessagePayload(RecordedExit.RECORDED);
        // another pid, stamped before this start was asked for: a clock set back
        fixture.given(startedAgain(false))
                .when(new RecordExit(ID, 0, T.plusSeconds(1), 9, Actor.daemon()))
                .expectResultMessagePayload(RecordedExit.RECORDED);
    }

    /**
     * The crash series: a run --rm whose start was cut by a kill after its program ran and ended; the
     * reconciler recorded the exit of a container the log had starting, and /events had a die with no
     * start.
     */
    @Test
    void anExitOfTheRunTheLogHasStartingRecordsItsStartFirst() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T))
                .when(new RecordExit(ID, 3, T.plusSeconds(1), 42, Actor.daemon()))
                .expectEvents(new ContainerStarted(ID, 42, Actor.daemon(), T.plusSeconds(1)),
                        new ContainerExited(ID, 3, Actor.daemon(), T.plusSeconds(1)))
                .expectResultMessagePayload(RecordedExit.RECORDED);
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T))
                .when(new RecordExitAndRemove(ID, 3, T.plusSeconds(1), 42, Actor.daemon()))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerStarted s && s.pid() == 42),
                        Matchers.matches(e -> e instanceof ContainerExited x && x.exitCode() == 3),
                        Matchers.matches(ContainerRemoved.class::isInstance), Matchers.andNoMore())))
                .expectMarkedDeleted();
    }

    @Test
    void anExitOfAnEarlierRunWhileTheLogHasTheContainerStartingRecordsNoStart() {
        fixture.given(startedAgain(false))
                .when(new RecordExit(ID, 3, T.plusSeconds(1), 7, Actor.daemon()))
                .expectNoEvents();
    }

    @Test
    void anAutoRemovedExitRecordsTheExitThenTheRemovalTogether() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new RecordExitAndRemove(ID, 3, T, 7, Actor.daemon()))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerExited x && x.exitCode() == 3
                                && x.actor().equals(Actor.daemon())),
                        Matchers.matches(e -> e instanceof ContainerRemoved r && r.name().equals("web")
                                && r.actor().equals(Actor.daemon()) && r.takesVolumes()),
                        Matchers.andNoMore())))
                .expectResultMessagePayload(RecordedExit.RECORDED)
                .expectMarkedDeleted();
    }

    @Test
    void anAutoRemovedExitOfAContainerNotRunningRecordsNothing() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T),
                        new ContainerExited(ID, 3, Actor.daemon(), T))
                .when(new RecordExitAndRemove(ID, 3, T, 7, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(RecordedExit.NOT_RUNNING);
    }

    @Test
    void anExitWhoseCodeIsUnknownIsRecordedAsSuchOnceWithItsReason() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new RecordExitUnknown(ID, "no exit file", false, Actor.daemon()))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerExitUnknown u && u.reason().equals("no exit file")
                                && u.actor().equals(Actor.daemon())),
                        Matchers.andNoMore())))
                .expectResultMessagePayload(true);
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T),
                        new ContainerExited(ID, 0, Actor.daemon(), T))
                .when(new RecordExitUnknown(ID, "no exit file", true, Actor.daemon()))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void stoppingAnExitedContainerIsNotModified() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T),
                        new ContainerExited(ID, 0, Actor.daemon(), T))
                .when(new RequestStop(ID, "TERM", 10, ALICE))
                .expectException(DomainException.class);
    }

    @Test
    void aStopOrAKillAnswersThePidOfTheRunItIsFor() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new RequestStop(ID, "TERM", 10, ALICE))
                .expectResultMessagePayload(7L);
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T),
                        new ContainerExited(ID, 0, Actor.daemon(), T), new ContainerStartRequested(ID, "web", ALICE, T),
                        new ContainerStarted(ID, 8, ALICE, T))
                .when(new RequestKill(ID, "KILL", ALICE))
                .expectResultMessagePayload(8L);
    }

    @Test
    void killingAContainerThatIsNotRunningIsAConflict() {
        fixture.given(created())
                .when(new RequestKill(ID, "KILL", ALICE))
                .expectException(Matchers.matches(e -> e instanceof DomainException d
                        && d.kind() == DomainException.Kind.CONFLICT));
    }

    @Test
    void removingARunningContainerWithoutForceIsAConflict() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new RemoveContainer(ID, false, false, ALICE))
                .expectException(Matchers.matches(e -> e instanceof DomainException d
                        && d.kind() == DomainException.Kind.CONFLICT
                        && d.getMessage().contains("container is running")));
    }

    @Test
    void removingAnExitedContainerIsAnEventNotADeletion() {
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T),
                        new ContainerExited(ID, 0, Actor.daemon(), T))
                .when(new RemoveContainer(ID, false, false, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerRemoved r && r.actor().equals(ALICE)
                                && Boolean.FALSE.equals(r.volumes())),
                        Matchers.andNoMore())));
    }

    /** rm -v: the removal's record says its anonymous volumes go, so a start after a stop in between finishes it. */
    @Test
    void aRemovalWithItsVolumesSaysSo() {
        fixture.given(created())
                .when(new RemoveContainer(ID, false, true, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerRemoved r && r.takesVolumes()),
                        Matchers.andNoMore())));
    }

    @Test
    void aRemovedContainerTakesNoMoreCommands() {
        fixture.given(created(), new ContainerRemoved(ID, "web", ALICE, T))
                .when(new RequestStart(ID, ALICE))
                .expectException(org.axonframework.eventsourcing.AggregateDeletedException.class);
    }

    @Test
    void execInAContainerThatIsNotRunningIsAConflict() {
        fixture.given(created())
                .when(new dev.tally.domain.container.command.RecordExec(ID, "e1",
                        new ExecSpec(List.of("sh"), true, "", "", List.of()), ALICE))
                .expectException(Matchers.matches(e -> e instanceof DomainException d
                        && d.kind() == DomainException.Kind.CONFLICT));
    }

    @Test
    void execRecordsTheArgvTheTerminalAndWhoOpenedIt() {
        ExecSpec spec = new ExecSpec(List.of("sh", "-c", "id"), true, "1000", "/tmp", List.of());
        fixture.given(created(), new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 7, ALICE, T))
                .when(new dev.tally.domain.container.command.RecordExec(ID, "e1", spec, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof dev.tally.domain.container.event.ContainerExecStarted x
                                && x.spec().equals(spec) && x.actor().equals(ALICE) && x.execId().equals("e1")),
                        Matchers.andNoMore())));
    }

    @Test
    void attachingWithStdinRecordsWhoBeforeTheContainerRuns() {
        fixture.given(created())
                .when(new dev.tally.domain.container.command.RecordStdinAttach(ID, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof dev.tally.domain.container.event.ContainerStdinAttached a
                                && a.actor().equals(ALICE) && a.containerId().equals(ID)),
                        Matchers.andNoMore())));
    }
}
