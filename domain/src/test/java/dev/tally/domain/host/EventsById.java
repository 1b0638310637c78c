package dev.tally.domain.host;

import dev.tally.domain.event.StoredEvents;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.axonframework.eventhandling.EventMessage;

/**
 * {@link StoredEvents} over a test's stored messages, answering only {@link #history} as the event
 * table does for an event stored without an aggregate: by the event's own identifier.
 */
public final class EventsById implements StoredEvents {

    private final Supplier<Stream<? extends EventMessage<?>>> stored;

    public EventsById(Supplier<Stream<? extends EventMessage<?>>> stored) {
        this.stored = stored;
    }

    @Override
    public List<Stored> history(String aggregateId, long before) {
        return stored.get().filter(m -> m.getIdentifier().equals(aggregateId))
                .map(m -> new Stored(0, m.getTimestamp(), m.getPayload())).toList();
    }

    @Override
    public long firstAtOrAfter(java.time.Instant at) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long next() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Stored> read(long from, int max) {
        throw new UnsupportedOperationException();
    }
}
