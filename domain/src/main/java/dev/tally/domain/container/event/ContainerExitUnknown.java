package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The container's process is no longer running and nothing on the host says how or when it ended
 * (no exit code was left); {@code reason} says what the daemon found. {@code at} is when the daemon
 * found it, not when the process ended. Inspect shows exit code {@value #EXIT_CODE} and the reason.
 */
public record ContainerExitUnknown(String containerId, String reason, Actor actor, Instant at) implements ContainerEvent {

    /** The exit code Docker's API shows for it: no process exits with it, so it cannot be taken for a real one. */
    public static final int EXIT_CODE = -1;

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
        return Annotations.of("exitCode", "unknown", "reason", reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "die", "exitCode", Integer.toString(EXIT_CODE),
                "error", reason));
    }
}
