package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/**
 * The container's bundle could not be prepared on the host after its {@link ContainerCreated} was
 * stored (the host refused, or the daemon stopped in between): whatever was made is removed, the
 * container is gone and its name free. {@code reason} says why; the actor is who asked, or the daemon.
 */
public record ContainerCreateFailed(String containerId, String name, String reason, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "create";
    }

    @Override
    public Outcome outcome() {
        return Outcome.failure(500, reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "destroy", "error", reason));
    }
}
