package dev.tally.domain.host;

import dev.tally.domain.Actor;
import dev.tally.domain.event.StoredEvents;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import java.time.Instant;
import java.util.Set;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.messaging.MetaData;

/**
 * The removal of what the host holds and no object of the log does, recorded once
 * ({@link HostLeftoverRemoved}, before the host is touched) however often it is cut short. The event
 * is stored under an identifier chosen beforehand and written first in a mark ({@link LeftoverMarks});
 * at the next attempt (the next start), a mark whose event is stored means the removal was recorded
 * and not finished: it is finished without a second record. A mark whose event was never stored (the
 * daemon stopped between the two) is replaced, and the removal recorded then.
 */
public class LeftoverRemovals {

    private final EventGateway events;
    private final StoredEvents log;
    private final LeftoverMarks marks;

    public LeftoverRemovals(EventGateway events, StoredEvents log, LeftoverMarks marks) {
        this.events = events;
        this.log = log;
        this.marks = marks;
    }

    /**
     * Before a pass over the leftovers of {@code kind}: forgets the marks of those no longer on the host
     * (removed, then the daemon stopped before the mark went), so that a later leftover of the same id
     * is recorded as the new one it is.
     */
    public void forgetFinished(String kind, Set<String> leftovers) {
        try {
            for (String id : marks.marked(kind)) {
                if (!leftovers.contains(id)) {
                    marks.delete(kind, id);
                }
            }
        } catch (RuntimeException e) {
            // each removal reads its own mark again; a mark left here only spares a second record
            System.err.println("tallyd: forgetting the marks of finished " + kind + " removals failed: " + e.getMessage());
        }
    }

    /**
     * Records the removal (unless a removal of it was recorded before and cut short), then runs it,
     * then deletes the mark. A removal that throws keeps its mark: the next attempt finishes it
     * without a second record.
     *
     * @return whether the removal was recorded now (false: recorded by an earlier attempt)
     */
    public boolean remove(String kind, String id, String reason, Runnable removal) {
        boolean recordedBefore = marks.read(kind, id)
                .map(eventId -> !log.history(eventId, Long.MAX_VALUE).isEmpty()).orElse(false);
        if (!recordedBefore) {
            String eventId = IdentifierFactory.getInstance().generateIdentifier();
            marks.write(kind, id, eventId);
            Instant at = Instant.now();
            events.publish(new GenericEventMessage<>(eventId, new HostLeftoverRemoved(kind, id, reason, Actor.daemon(), at),
                    MetaData.emptyInstance(), at));
        }
        removal.run();
        marks.delete(kind, id);
        return !recordedBefore;
    }
}
