package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/** Someone asked to start the container; its outcome follows as its own event. */
public record ContainerStartRequested(String containerId, String name, Actor actor, Instant at) implements ContainerEvent {

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
}
