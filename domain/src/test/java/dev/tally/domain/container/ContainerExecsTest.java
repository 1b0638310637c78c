package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerExecsTest {

    private final UseCaseFixture f = new UseCaseFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static ExecSpec spec(String... cmd) {
        return new ExecSpec(List.of(cmd), false, "", "", List.of());
    }

    @Test
    void anExecIsRecordedWithWhoRanItThenItsExit() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = f.execs.create(container, spec("sh", "-c", "exit 4"), ALICE);
        List<Object> events = f.eventsOf(() -> assertEquals(4, f.execs.start(exec, ALICE).exit().join()));
        ContainerExecStarted started = (ContainerExecStarted) events.get(0);
        assertEquals(ALICE, started.actor());
        assertEquals(exec, started.execId());
        assertEquals(4, ((ContainerExecExited) events.get(1)).exitCode());
        assertEquals(2, events.size());
    }

    @Test
    void anEndedExecSaysHowItEnded() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = f.execs.create(container, spec("true"), ALICE);
        f.execs.start(exec, ALICE).exit().join();
        ExecSession session = f.execs.session(exec, ALICE);
        assertFalse(session.running());
        assertEquals(0, session.exitCode());
    }

    @Test
    void anExecNeedsARunningContainer() {
        String container = f.creation.create("web", config("sleep", "60"), ALICE);
        DomainException e = assertThrows(DomainException.class, () -> f.execs.create(container, spec("true"), ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
    }

    @Test
    void anExecNeedsACommand() {
        String container = f.running(ALICE, "sleep", "60");
        DomainException e = assertThrows(DomainException.class, () -> f.execs.create(container, spec(), ALICE));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void anExecRunsOnce() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = f.execs.create(container, spec("true"), ALICE);
        f.execs.start(exec, ALICE).exit().join();
        DomainException e = assertThrows(DomainException.class, () -> f.execs.start(exec, ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
    }

    @Test
    void anExecTheRuntimeCannotStartIsRecordedAsExit126AndThrown() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = f.execs.create(container, spec("true"), ALICE);
        f.runtime.exit(container, 0); // ended on the host; the monitor has not told yet
        List<Object> events = f.eventsOf(() -> {
            DomainException e = assertThrows(DomainException.class, () -> f.execs.start(exec, ALICE));
            assertEquals(DomainException.Kind.FAILED, e.kind());
        });
        assertEquals(126, ((ContainerExecExited) events.get(1)).exitCode());
        assertEquals(126, f.execs.session(exec, ALICE).exitCode());
    }

    @Test
    void anotherUsersExecIsNotFoundAndTheRefusalIsRecorded() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = f.execs.create(container, spec("true"), ALICE);
        List<Object> events = f.eventsOf(() -> {
            DomainException e = assertThrows(DomainException.class, () -> f.execs.session(exec, BOB));
            assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        });
        assertEquals("exec.inspect", ((AccessDenied) events.get(0)).action());
    }

    @Test
    void anUnknownExecIsNotFound() {
        DomainException e = assertThrows(DomainException.class, () -> f.execs.session("c0ffee", ALICE));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        assertEquals("No such exec instance: c0ffee", e.getMessage());
    }

    /**
     * Issue 11: after a restart, exec inspect of an exec from before it answered 404. An exec the
     * daemon holds no session of is answered as the log has it while its container exists, to those
     * who may see the container; NOT_FOUND once the container is removed, as dockerd.
     */
    @Test
    void anExecFromBeforeARestartIsAnsweredAsTheLogHasItWhileItsContainerExists() {
        String container = f.running(ALICE, "sleep", "60");
        ExecSession logged = new ExecSession("e-before", container, spec("sleep", "300"), false, -1,
                "exit code unknown: the daemon stopped while the exec ran");
        ContainerExecs restarted = new ContainerExecs(f.commands, f.runtime, f.visible, f.access, Runnable::run,
                ExecLimits.DEFAULTS, new dev.tally.domain.access.LimitRefusals(e -> { }, Runnable::run,
                java.time.Clock.systemUTC(), dev.tally.domain.access.LimitRefusals.WINDOW), java.time.Clock.systemUTC(),
                id -> id.equals("e-before") ? java.util.Optional.of(logged) : java.util.Optional.empty());
        assertEquals(logged, restarted.session("e-before", ALICE));
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> restarted.session("e-before", UseCaseFixture.BOB)).kind(), "not bob's to see");
        assertEquals(DomainException.Kind.CONFLICT, assertThrows(DomainException.class,
                () -> restarted.start("e-before", ALICE)).kind(), "it ran already");
        f.lifecycle.remove(container, true, ALICE);
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> restarted.session("e-before", UseCaseFixture.ROOT)).kind(), "gone with its container");
    }
}
