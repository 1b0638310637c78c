package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** A process opened with exec ended with this code. */
public record ContainerExecExited(String containerId, String execId, int exitCode, Actor actor, Instant at) {
}
