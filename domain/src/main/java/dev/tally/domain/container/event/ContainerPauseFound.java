package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * At start-up the daemon found the running container frozen ({@code paused}) or thawed on the host,
 * unlike the log (a daemon stopped between freezing or thawing it and recording that, or the freezer
 * was used behind its back): the log now says what the host holds, with why. Nothing on the host was
 * changed.
 */
public record ContainerPauseFound(String containerId, boolean paused, String reason, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return paused ? "pause" : "unpause";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("found", paused ? "frozen" : "thawed", "reason", reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, paused ? "pause" : "unpause"));
    }
}
