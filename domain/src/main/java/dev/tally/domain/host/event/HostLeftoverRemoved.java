package dev.tally.domain.host.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Optional;

/**
 * The daemon, starting, found on the host something of a {@code kind} ({@code container}: a bundle,
 * mount or process; {@code volume}: a volume's data; {@code image}, {@code blob}, {@code layer}: image
 * content, see {@code ImageReconciliation}) that no object of the log holds, and removes it.
 * Stored before the host is touched; {@code reason} says what was found and what is done (a running
 * process is killed). For admins only: it belongs to no user's object.
 *
 * @param id the container's id, the volume's name, or the content's digest, as the host names it
 */
public record HostLeftoverRemoved(String kind, String id, String reason, Actor actor, Instant at) implements DomainEvent {

    public static final String CONTAINER = "container";
    public static final String VOLUME = "volume";

    @Override
    public Subject subject() {
        return Subject.host(kind, id);
    }

    @Override
    public String auditVerb() {
        return "remove";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public java.util.Map<String, Object> annotations() {
        return Annotations.of("kind", kind, "reason", reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.empty();
    }

    @Override
    public Audience audience() {
        return Audience.admins();
    }
}
