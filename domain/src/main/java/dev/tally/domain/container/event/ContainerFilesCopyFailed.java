package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The host failed to unpack a copy recorded by {@link ContainerFilesCopied} (the same {@code digest}):
 * some of its files may be in the container, and why it stopped.
 */
public record ContainerFilesCopyFailed(String containerId, String path, String digest, String reason, Actor actor,
                                       Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "copy_in";
    }

    @Override
    public Outcome outcome() {
        return Outcome.failure(500, reason);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("path", path, "digest", digest);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.empty();
    }
}
