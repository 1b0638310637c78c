package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The container's process is running. */
public record ContainerStarted(String containerId, long pid, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "start";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(204);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("pid", Long.toString(pid));
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "start"));
    }
}
