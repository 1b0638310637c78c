package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/**
 * The paused container's processes were thawed: by an unpause, or by a signal sent to it (stop, kill
 * and rm -f thaw it so that the signal arrives, as Docker does).
 */
public record ContainerUnpaused(String containerId, Actor actor, Instant at) implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "unpause";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(204);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "unpause"));
    }
}
