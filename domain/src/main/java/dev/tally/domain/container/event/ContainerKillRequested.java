package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Someone sent the container a signal. */
public record ContainerKillRequested(String containerId, String signal, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "kill";
    }

    @Override
    public Outcome outcome() {
        return Outcome.requested();
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("signal", signal);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "kill", "signal", signal));
    }
}
