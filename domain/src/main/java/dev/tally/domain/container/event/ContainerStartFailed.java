package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/** The runtime could not start the container; the host was left clean. */
public record ContainerStartFailed(String containerId, String reason, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "start";
    }

    @Override
    public Outcome outcome() {
        return Outcome.failure(500, reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "start-failed", "error", reason));
    }
}
