package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** The container's process ended, with its real code and time. */
public record ContainerExited(String containerId, int exitCode, Actor actor, Instant at) {
}
