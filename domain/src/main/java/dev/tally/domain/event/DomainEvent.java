package dev.tally.domain.event;

import dev.tally.domain.Actor;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What every stored event says about itself, once, in its own record: who caused it and when, what
 * it is about, how the audit records it, what Docker's {@code /events} shows of it, and who may read
 * it. The audit records, the {@code /events} messages and {@link dev.tally.domain.access.EventVisibility}
 * are derived from these alone, so a new event is its record, the aggregate that applies it and the
 * projections that care about it.
 *
 * <p>Events are stored as their record components. No method here may look like a property to the
 * serializer: no {@code get} or {@code is} prefix (the stored-shape test of the store checks it).
 */
public interface DomainEvent {

    /** Who caused it; the daemon for what it observed on the host. */
    Actor actor();

    /** When it happened. */
    Instant at();

    /** The object it is about, as its audit record names it. */
    Subject subject();

    /** The verb of its audit record ({@code start}, {@code exec_exit}); its action is {@code kind.verb}. */
    String auditVerb();

    /** An intent, a success, a failure or a refusal, with the HTTP-like code of its audit record. */
    Outcome outcome();

    /**
     * What it adds to its audit record's annotations, in this order (values: strings or lists of
     * strings); none by default. A refusal's decision and reason are added by the audit itself.
     */
    default Map<String, Object> annotations() {
        return Map.of();
    }

    /** Its message on Docker's {@code /events}, or empty when Docker shows nothing for it. */
    Optional<DockerMessage> dockerMessage();

    /** Who besides admins may read it, and what it changes about who may read later events. */
    Audience audience();
}
