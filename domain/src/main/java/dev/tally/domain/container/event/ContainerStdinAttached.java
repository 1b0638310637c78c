package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Someone attached to the container with stdin: from now on what they write reaches its process,
 * as an exec's input does. Attaching to read its output only is not recorded.
 */
public record ContainerStdinAttached(String containerId, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "attach";
    }

    @Override
    public Outcome outcome() {
        return Outcome.requested();
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("stdin", "true");
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "attach"));
    }
}
