package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.LimitRefusals;
import dev.tally.domain.access.event.AccessDenied;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserStreamsTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    private static final Actor BOB = new Actor(1001, 1001, "bob", 43, "unix:pid=43");
    private static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");

    private final List<AccessDenied> recorded = new ArrayList<>();
    private final UserStreams streams = new UserStreams(new StreamLimits(2, 1), caller -> caller.uid() == 0,
            new LimitRefusals(recorded::add, Runnable::run, Clock.systemUTC(), LimitRefusals.WINDOW));

    @Test
    void aStreamBeyondTheUsersLimitIsA429RecordedAndClosingOneMakesRoom() {
        UserStreams.Held first = streams.open(ALICE, UserStreams.Kind.EVENTS);
        streams.open(ALICE, UserStreams.Kind.EVENTS);
        DomainException e = assertThrows(DomainException.class, () -> streams.open(ALICE, UserStreams.Kind.EVENTS));
        assertEquals(DomainException.Kind.LIMITED, e.kind());
        assertTrue(e.getMessage().startsWith("too many event streams of alice at once: 2 open"), e.getMessage());
        assertEquals("events.stream", recorded.get(0).action());
        assertEquals(429, recorded.get(0).statusOr403());
        first.close();
        first.close(); // closing twice frees one place only
        streams.open(ALICE, UserStreams.Kind.EVENTS);
        assertThrows(DomainException.class, () -> streams.open(ALICE, UserStreams.Kind.EVENTS));
    }

    @Test
    void kindsAndUsersAreCountedApartAndAdminsNotAtAll() {
        streams.open(ALICE, UserStreams.Kind.FOLLOWER);
        assertThrows(DomainException.class, () -> streams.open(ALICE, UserStreams.Kind.FOLLOWER));
        streams.open(ALICE, UserStreams.Kind.EVENTS);
        streams.open(BOB, UserStreams.Kind.FOLLOWER);
        for (int i = 0; i < 10; i++) {
            streams.open(ROOT, UserStreams.Kind.FOLLOWER);
        }
        assertEquals(1, streams.held(ALICE, UserStreams.Kind.FOLLOWER));
        assertEquals(0, streams.held(ROOT, UserStreams.Kind.FOLLOWER));
    }
}
