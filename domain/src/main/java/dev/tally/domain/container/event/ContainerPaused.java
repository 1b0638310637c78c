package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/** Someone froze every process of the running container (the freezer cgroup); recorded once it is frozen. */
public record ContainerPaused(String containerId, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "pause";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(204);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "pause"));
    }
}
