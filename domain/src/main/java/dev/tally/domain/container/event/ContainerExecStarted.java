package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A process was opened inside the container: its argv, terminal and user, and who opened it. */
public record ContainerExecStarted(String containerId, String execId, ExecSpec spec, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "exec";
    }

    @Override
    public Outcome outcome() {
        return Outcome.requested();
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("execID", execId, "argv", spec.cmd(), "tty", Boolean.toString(spec.tty()),
                "execUser", spec.user());
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "exec_start", "execID", execId, "execCommand",
                String.join(" ", spec.cmd()), "tty", Boolean.toString(spec.tty()), "execUser", spec.user()));
    }
}
