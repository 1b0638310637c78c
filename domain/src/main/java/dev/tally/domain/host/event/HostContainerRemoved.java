package dev.tally.domain.host.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon, starting, found a container on the host (a bundle, a mount or a process) that no
 * container of the log holds, and removes it: its process killed when {@code running}, then its
 * runtime state, mounts and directory. Stored before the host is touched; {@code reason} says why.
 * For admins only: it belongs to no user's object.
 */
public record HostContainerRemoved(String containerId, boolean running, String reason, Actor actor, Instant at)
        implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.host(containerId);
    }

    @Override
    public String auditVerb() {
        return "remove_container";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("running", Boolean.toString(running), "reason", reason);
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
