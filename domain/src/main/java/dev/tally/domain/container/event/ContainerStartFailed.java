package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** The runtime could not start the container; the host was left clean. */
public record ContainerStartFailed(String containerId, String reason, Actor actor, Instant at) {
}
