package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The container's process ended, with its real code and time. */
public record ContainerExited(String containerId, int exitCode, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "exit";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("exitCode", Integer.toString(exitCode));
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "die", "exitCode", Integer.toString(exitCode)));
    }
}
