package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ExecSpec;
import java.time.Instant;

/** A process was opened inside the container: its argv, terminal and user, and who opened it. */
public record ContainerExecStarted(String containerId, String execId, ExecSpec spec, Actor actor, Instant at) {
}
