package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A process opened with exec is no longer followed and nothing kept how it ended (the daemon that
 * waited for it stopped); {@code reason} says what the daemon found. {@code at} is when the daemon
 * settled it, not when the process ended. Docker sees the exit code
 * {@value ContainerExitUnknown#EXIT_CODE}, as for a container's unknown exit.
 */
public record ContainerExecExitUnknown(String containerId, String execId, String reason, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "exec_exit";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("execID", execId, "exitCode", "unknown", "reason", reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "exec_die", "execID", execId, "exitCode",
                Integer.toString(ContainerExitUnknown.EXIT_CODE), "error", reason));
    }
}
