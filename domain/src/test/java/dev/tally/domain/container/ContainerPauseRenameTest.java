package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.command.RecordExec;
import dev.tally.domain.container.command.RecordPaused;
import dev.tally.domain.container.command.RecordUnpaused;
import dev.tally.domain.container.command.RenameContainer;
import dev.tally.domain.container.command.RequestKill;
import dev.tally.domain.container.command.RequestStop;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerKillRequested;
import dev.tally.domain.container.event.ContainerPaused;
import dev.tally.domain.container.event.ContainerRenamed;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStopRequested;
import dev.tally.domain.container.event.ContainerUnpaused;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The aggregate's rules for pause, unpause and rename: one rule per test. */
class ContainerPauseRenameTest {

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

    private Object[] running() {
        return new Object[] {new ContainerCreated(ID, "web", CONFIG, "sha256:ab", ALICE, T),
                new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 42, ALICE, T)};
    }

    private Object[] paused() {
        return new Object[] {new ContainerCreated(ID, "web", CONFIG, "sha256:ab", ALICE, T),
                new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 42, ALICE, T),
                new ContainerPaused(ID, ALICE, T)};
    }

    @Test
    void aPauseOfARunningContainerIsRecordedWithWhoAsked() {
        fixture.given(running()).when(new RecordPaused(ID, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerPaused p && p.actor().equals(ALICE)),
                        Matchers.andNoMore())));
    }

    @Test
    void pausingAContainerThatIsNotRunningIsAConflict() {
        fixture.given(new ContainerCreated(ID, "web", CONFIG, "sha256:ab", ALICE, T)).when(new RecordPaused(ID, ALICE))
                .expectException(DomainException.class).expectNoEvents();
    }

    @Test
    void pausingAPausedContainerIsAConflict() {
        fixture.given(paused()).when(new RecordPaused(ID, ALICE)).expectException(DomainException.class).expectNoEvents();
    }

    @Test
    void unpausingAContainerThatIsNotPausedIsAConflict() {
        fixture.given(running()).when(new RecordUnpaused(ID, ALICE)).expectException(DomainException.class)
                .expectNoEvents();
    }

    @Test
    void anExecIntoAPausedContainerIsRefused() {
        fixture.given(paused()).when(new RecordExec(ID, "e1", new ExecSpec(List.of("ls"), false, "", "", List.of()), ALICE))
                .expectException(DomainException.class).expectExceptionMessage(
                        Matchers.matches(m -> m.toString().contains("is paused, unpause the container before exec")))
                .expectNoEvents();
    }

    @Test
    void aSignalToAPausedContainerThawsIt() {
        fixture.given(paused()).when(new RequestKill(ID, "TERM", ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerKillRequested),
                        Matchers.matches(e -> e instanceof ContainerUnpaused u && u.actor().equals(ALICE)),
                        Matchers.andNoMore())));
    }

    @Test
    void aStopOfAPausedContainerThawsIt() {
        fixture.given(paused()).when(new RequestStop(ID, "TERM", 10, ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerStopRequested),
                        Matchers.matches(e -> e instanceof ContainerUnpaused),
                        Matchers.andNoMore())));
    }

    @Test
    void anExitEndsAPause() {
        fixture.given(paused()).andGiven(new ContainerExited(ID, 0, ALICE, T))
                .andGiven(new ContainerStartRequested(ID, "web", ALICE, T), new ContainerStarted(ID, 43, ALICE, T))
                .when(new RecordUnpaused(ID, ALICE)).expectException(DomainException.class);
    }

    @Test
    void aRenameRecordsTheOldAndTheNewName() {
        fixture.given(running()).when(new RenameContainer(ID, "db", ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerRenamed r && r.oldName().equals("web")
                                && r.newName().equals("db") && r.actor().equals(ALICE)),
                        Matchers.andNoMore())));
    }

    @Test
    void renamingToTheSameNameIsInvalid() {
        fixture.given(running()).when(new RenameContainer(ID, "web", ALICE)).expectException(DomainException.class)
                .expectNoEvents();
    }

    @Test
    void aSecondRenameStartsFromTheNameTheFirstGave() {
        fixture.given(running()).andGiven(new ContainerRenamed(ID, "web", "db", ALICE, T))
                .when(new RenameContainer(ID, "cache", ALICE))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerRenamed r && r.oldName().equals("db")),
                        Matchers.andNoMore())));
    }
}
