package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/** The container was removed; the record of it stays in the log. */
public record ContainerRemoved(String containerId, String name, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "remove";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(204);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "destroy"));
    }
}
