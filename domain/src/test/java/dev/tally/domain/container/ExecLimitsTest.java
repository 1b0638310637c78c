package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.LimitRefusals;
import dev.tally.domain.access.event.AccessDenied;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exec sessions under {@link ExecLimits}: a cap per user on open ones, eviction of finished and abandoned ones. */
class ExecLimitsTest {

    private final UseCaseFixture f = new UseCaseFixture();
    private final SetClock clock = new SetClock();
    /** Exits are waited for only when a test runs these: until then the exec runs. */
    private final List<Runnable> waits = new ArrayList<>();
    private final ContainerExecs execs = new ContainerExecs(f.commands, f.runtime, f.visible, f.access, waits::add,
            new ExecLimits(2, Duration.ofMinutes(5), Duration.ofMinutes(5), 2),
            new LimitRefusals(f.axon.eventGateway()::publish, Runnable::run, clock, LimitRefusals.WINDOW), clock,
            ExecRecords.NONE);

    @AfterEach
    void close() {
        f.close();
    }

    private static ExecSpec spec(String... cmd) {
        return new ExecSpec(List.of(cmd), false, "", "", List.of());
    }

    private void finishAll() {
        List<Runnable> now = new ArrayList<>(waits);
        waits.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aUserBeyondTheirOpenSessionsIsRefusedWith429AndTheRefusalIsRecorded() {
        String container = f.running(ALICE, "sleep", "60");
        execs.create(container, spec("true"), ALICE);
        execs.create(container, spec("true"), ALICE);
        List<Object> events = f.eventsOf(() -> {
            DomainException e = assertThrows(DomainException.class, () -> execs.create(container, spec("true"), ALICE));
            assertEquals(DomainException.Kind.LIMITED, e.kind());
            assertTrue(e.getMessage().contains("too many exec sessions of alice"), e.getMessage());
        });
        AccessDenied denied = (AccessDenied) events.get(0);
        assertEquals("exec.create", denied.action());
        assertEquals(429, denied.statusOr403());
        assertEquals(ALICE, denied.actor());
    }

    @Test
    void theCapIsPerUserAndAdminsAreNotCounted() {
        String alices = f.running(ALICE, "sleep", "60");
        String bobs = f.running(BOB, "sleep", "60");
        execs.create(alices, spec("true"), ALICE);
        execs.create(alices, spec("true"), ALICE);
        execs.create(bobs, spec("true"), BOB);
        for (int i = 0; i < 5; i++) {
            execs.create(alices, spec("true"), ROOT);
        }
    }

    @Test
    void aRunningSessionCountsUntilItFinishesThenFreesItsPlace() {
        String container = f.running(ALICE, "sleep", "60");
        String first = execs.create(container, spec("true"), ALICE);
        execs.start(first, ALICE);
        execs.create(container, spec("true"), ALICE);
        assertThrows(DomainException.class, () -> execs.create(container, spec("true"), ALICE));
        finishAll();
        execs.create(container, spec("true"), ALICE);
    }

    @Test
    void aFinishedSessionIsKeptForInspectThenEvicted() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = execs.create(container, spec("sh", "-c", "exit 3"), ALICE);
        execs.start(exec, ALICE);
        finishAll();
        clock.advance(Duration.ofMinutes(4));
        assertEquals(3, execs.session(exec, ALICE).exitCode());
        clock.advance(Duration.ofMinutes(1));
        DomainException e = assertThrows(DomainException.class, () -> execs.session(exec, ALICE));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        assertEquals(0, execs.held());
    }

    @Test
    void aSessionNeverStartedIsAbandonedAfterAWhileAndStopsCounting() {
        String container = f.running(ALICE, "sleep", "60");
        String abandoned = execs.create(container, spec("true"), ALICE);
        execs.create(container, spec("true"), ALICE);
        clock.advance(Duration.ofMinutes(5));
        assertThrows(DomainException.class, () -> execs.session(abandoned, ALICE));
        execs.create(container, spec("true"), ALICE);
        execs.create(container, spec("true"), ALICE);
        assertEquals(2, execs.held());
    }

    @Test
    void aRunningSessionIsNeverEvicted() {
        String container = f.running(ALICE, "sleep", "60");
        String exec = execs.create(container, spec("true"), ALICE);
        execs.start(exec, ALICE);
        clock.advance(Duration.ofDays(3));
        assertTrue(execs.session(exec, ALICE).running());
    }

    @Test
    void onlyTheNewestFinishedSessionsOfAUserAreKept() {
        String container = f.running(ALICE, "sleep", "60");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String exec = execs.create(container, spec("true"), ALICE);
            execs.start(exec, ALICE);
            finishAll();
            clock.advance(Duration.ofSeconds(1));
            ids.add(exec);
        }
        assertThrows(DomainException.class, () -> execs.session(ids.get(0), ALICE));
        assertEquals(0, execs.session(ids.get(1), ALICE).exitCode());
        assertEquals(0, execs.session(ids.get(2), ALICE).exitCode());
    }

    /** A clock the test moves. */
    static final class SetClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
