package dev.tally.domain.host;

import java.util.Optional;
import java.util.Set;

/**
 * Port: one mark on the host per leftover whose removal has begun, naming the stored event that
 * records that removal. A mark is written durably before the event is stored and deleted once the
 * leftover is gone, so that a removal a crash cut short between its record and its end is known at
 * the next start. Failures are {@link dev.tally.domain.DomainException}s of kind FAILED.
 */
public interface LeftoverMarks {

    /** The identifier of the event a mark names for this leftover; empty when there is no mark. */
    Optional<String> read(String kind, String id);

    /** Marks, durably (it survives a crash once this returns), that the removal recorded by {@code eventId} begins. */
    void write(String kind, String id, String eventId);

    /** Deletes the mark of this leftover. Idempotent. */
    void delete(String kind, String id);

    /** The ids of the leftovers of this kind that have a mark. */
    Set<String> marked(String kind);
}
