package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** The container's process is running. */
public record ContainerStarted(String containerId, long pid, Actor actor, Instant at) {
}
