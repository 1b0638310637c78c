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
}
