package dev.tally.domain.event;

import java.time.Instant;
import java.util.List;

/**
 * The event log read by position: an event's position is its global index (its sequence number in
 * the audit), dense and in the order the events were stored, which is the order of their times.
 * Every method reads committed events only and may be called from any thread; failures are
 * {@link dev.tally.domain.DomainException}s of kind FAILED naming what was read.
 */
public interface StoredEvents {

    /** One stored event, its payload deserialized. */
    record Stored(long position, Instant at, Object payload) {
    }

    /**
     * The position of the first event stored at or after {@code at}, found by a lookup (never by
     * reading the log from its start); {@link #next()} when there is none.
     */
    long firstAtOrAfter(Instant at);

    /** The position the next event to be stored will have: a stream from now starts here. */
    long next();

    /** Up to {@code max} events from position {@code from} on, oldest first; empty when none is stored yet. */
    List<Stored> read(long from, int max);

    /**
     * The events of one aggregate (a container or a volume, by its id) stored before position
     * {@code before}, oldest first: what a reader starting there must know of it.
     */
    List<Stored> history(String aggregateId, long before);
}
