package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Someone asked to stop the container. */
public record ContainerStopRequested(String containerId, String signal, int timeoutSeconds, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "stop";
    }

    @Override
    public Outcome outcome() {
        return Outcome.requested();
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("signal", signal, "timeout", Integer.toString(timeoutSeconds));
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "stop", "signal", signal));
    }
}
