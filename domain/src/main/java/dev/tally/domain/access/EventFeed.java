package dev.tally.domain.access;

import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.StoredEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One caller's view of the log from a position on, read a page at a time: the events they may read,
 * in order. It starts where it is asked to, without reading the log from its start: the first time it
 * meets a container or a volume, it reads that object's earlier events (an indexed lookup by its id)
 * so that visibility learns its owner and grants as they were at the start. Not thread-safe: one
 * reader at a time.
 */
public final class EventFeed {

    private final StoredEvents log;
    private final EventVisibility visibility;
    private final long start;
    private final Consumer<Object> learn;
    private long next;

    /**
     * @param start where to start (see {@link StoredEvents#firstAtOrAfter} and {@link StoredEvents#next})
     * @param learn sees every event the feed reads, in log order, shown or not (an object's earlier
     *              events before its first in the feed): for what the caller keeps of them, such as names
     */
    public EventFeed(StoredEvents log, EventVisibility visibility, long start, Consumer<Object> learn) {
        this.log = log;
        this.visibility = visibility;
        this.start = start;
        this.learn = learn;
        this.next = start;
    }

    /** The events the viewer may read among the next {@code max} stored ones; empty when none were stored. */
    public List<StoredEvents.Stored> next(int max) {
        List<StoredEvents.Stored> page = log.read(next, max);
        List<StoredEvents.Stored> shown = new ArrayList<>(page.size());
        for (StoredEvents.Stored event : page) {
            if (!visibility.knows(event.payload()) && event.payload() instanceof DomainEvent e) {
                for (StoredEvents.Stored earlier : log.history(e.audience().id(), start)) {
                    visibility.shows(earlier.payload());
                    learn.accept(earlier.payload());
                }
            }
            learn.accept(event.payload());
            if (visibility.shows(event.payload())) {
                shown.add(event);
            }
            next = event.position() + 1;
        }
        return shown;
    }

    /** The position of the next event to read. */
    public long position() {
        return next;
    }
}
