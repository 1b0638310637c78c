package dev.tally.domain.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.event.AccessDenied;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitRefusalsTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    private static final Actor BOB = new Actor(1001, 1001, "bob", 43, "unix:pid=43");

    private Instant now = Instant.parse("2026-12-05T00:00:00Z");
    private final List<AccessDenied> recorded = new ArrayList<>();
    private final LimitRefusals refusals = new LimitRefusals(recorded::add, Runnable::run, new Clock() {
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
    }, Duration.ofSeconds(10));

    @Test
    void aRefusalIsA429RecordedAtOnce() {
        DomainException e = refusals.refuse(ALICE, "events.stream", "too many event streams");
        assertEquals(DomainException.Kind.LIMITED, e.kind());
        assertEquals("too many event streams", e.getMessage());
        assertEquals(1, recorded.size());
        assertEquals(429, recorded.get(0).statusOr403());
        assertEquals("events.stream", recorded.get(0).action());
        assertEquals(ALICE, recorded.get(0).actor());
    }

    @Test
    void aFloodOfRefusalsIsTheFirstAndOneCountPerWindow() {
        for (int i = 0; i < 1000; i++) {
            refusals.refuse(ALICE, "connection.open", "too many connections");
        }
        refusals.refuse(BOB, "connection.open", "too many connections");
        assertEquals(2, recorded.size(), "the first of each user's window, at once");
        refusals.flushDue();
        assertEquals(2, recorded.size(), "the window has not passed");
        now = now.plusSeconds(10);
        refusals.flushDue();
        assertEquals(3, recorded.size());
        AccessDenied summary = recorded.get(2);
        assertEquals(ALICE, summary.actor());
        assertTrue(summary.reason().contains("refused 999 more times"), summary.reason());
        refusals.flushDue();
        assertEquals(3, recorded.size(), "counted once");
    }

    @Test
    void aRefusalAfterTheWindowRecordsTheCountThenStartsAnother() {
        refusals.refuse(ALICE, "exec.create", "too many execs");
        refusals.refuse(ALICE, "exec.create", "too many execs");
        now = now.plusSeconds(11);
        refusals.refuse(ALICE, "exec.create", "too many execs");
        assertEquals(3, recorded.size());
        assertTrue(recorded.get(1).reason().contains("refused 1 more time "), recorded.get(1).reason());
        assertEquals("too many execs", recorded.get(2).reason());
    }

    @Test
    void differentActionsAreCountedApart() {
        refusals.refuse(ALICE, "exec.create", "x");
        refusals.refuse(ALICE, "events.stream", "y");
        assertEquals(2, recorded.size());
    }
}
