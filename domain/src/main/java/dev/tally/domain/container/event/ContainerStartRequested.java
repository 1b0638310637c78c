package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Optional;

/** Someone asked to start the container; its outcome follows as its own event. */
public record ContainerStartRequested(String containerId, String name, Actor actor, Instant at) implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.container(containerId);
    }

    @Override
    public String auditVerb() {
        return "start";
    }

    @Override
    public Outcome outcome() {
        return Outcome.requested();
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.empty();
    }

    @Override
    public Audience audience() {
        return Audience.container(containerId);
    }
}
