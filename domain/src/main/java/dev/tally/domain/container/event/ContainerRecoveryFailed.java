package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Optional;

/**
 * At start-up the daemon could not tell or record what became of this container while it was down
 * (the host could not be asked, or what it said could not be recorded); the container was skipped
 * and its state in the log is as it was. Why is in {@code reason}.
 */
public record ContainerRecoveryFailed(String containerId, String reason, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "recover";
    }

    @Override
    public Outcome outcome() {
        return Outcome.failure(500, reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.empty();
    }
}
