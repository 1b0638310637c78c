package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A process opened with exec ended with this code. */
public record ContainerExecExited(String containerId, String execId, int exitCode, Actor actor, Instant at)
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
        return Annotations.of("execID", execId, "exitCode", Integer.toString(exitCode));
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "exec_die", "execID", execId, "exitCode",
                Integer.toString(exitCode)));
    }
}
