package dev.tally.domain.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.host.event.HostLeftoverRemoved;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.gateway.DefaultEventGateway;
import org.junit.jupiter.api.Test;

class LeftoverRemovalsTest {

    private final List<EventMessage<?>> stored = new ArrayList<>();
    private final InMemoryLeftoverMarks marks = new InMemoryLeftoverMarks();
    private final List<String> removed = new ArrayList<>();

    private LeftoverRemovals removals() {
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(stored::addAll);
        return new LeftoverRemovals(DefaultEventGateway.builder().eventBus(bus).build(),
                new EventsById(stored::stream), marks);
    }

    private List<HostLeftoverRemoved> records() {
        return stored.stream().map(EventMessage::getPayload).map(HostLeftoverRemoved.class::cast).toList();
    }

    @Test
    void aRemovalIsRecordedUnderTheIdentifierItsMarkNamedThenDoneAndItsMarkDeleted() {
        List<Optional<String>> markWhenRecorded = new ArrayList<>();
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(messages -> {
            stored.addAll(messages);
            markWhenRecorded.add(marks.read("volume", "data"));
        });
        LeftoverRemovals removals = new LeftoverRemovals(DefaultEventGateway.builder().eventBus(bus).build(),
                new EventsById(stored::stream), marks);
        assertTrue(removals.remove("volume", "data", "left", () -> removed.add("data")));
        assertEquals(List.of(Optional.of(stored.get(0).getIdentifier())), markWhenRecorded, "marked before it is recorded");
        assertEquals(List.of("data"), removed);
        assertEquals(Optional.empty(), marks.read("volume", "data"));
        assertEquals("tallyd", records().get(0).actor().user());
    }

    /** A removal cut short after its record (a crash, a removal that failed) is finished at the next start, recorded once. */
    @Test
    void aRemovalCutShortAfterItsRecordIsFinishedWithoutASecondRecord() {
        assertThrows(IllegalStateException.class, () -> removals().remove("container", "ab", "left", () -> {
            throw new IllegalStateException("the daemon stopped");
        }));
        assertEquals(1, records().size());
        // the next start
        LeftoverRemovals next = removals();
        next.forgetFinished("container", Set.of("ab"));
        assertFalse(next.remove("container", "ab", "left", () -> removed.add("ab")));
        assertEquals(1, records().size(), "one record of one removal");
        assertEquals(List.of("ab"), removed);
        assertEquals(Set.of(), marks.marked("container"));
    }

    @Test
    void aMarkWhoseEventWasNeverStoredIsReplacedAndTheRemovalRecordedThen() {
        marks.write("blob", "sha256:ab", "an-event-the-crash-kept-from-the-store");
        assertTrue(removals().remove("blob", "sha256:ab", "left", () -> removed.add("blob")));
        assertEquals(1, records().size());
        assertEquals(List.of("blob"), removed);
    }

    /** The mark of a finished removal outlived a crash: a later leftover of the same name is a new one, recorded. */
    @Test
    void aMarkOfALeftoverNoLongerOnTheHostIsForgottenSoTheNextOfItsNameIsRecorded() {
        LeftoverRemovals first = removals();
        first.remove("volume", "data", "left", () -> removed.add("data"));
        marks.write("volume", "data", stored.get(0).getIdentifier()); // as if the crash came before the mark went
        LeftoverRemovals next = removals();
        next.forgetFinished("volume", Set.of());
        assertEquals(Set.of(), marks.marked("volume"));
        // later, the volume data was made and left again
        next.forgetFinished("volume", Set.of("data"));
        assertTrue(next.remove("volume", "data", "left again", () -> removed.add("data")));
        assertEquals(2, records().size());
    }
}
