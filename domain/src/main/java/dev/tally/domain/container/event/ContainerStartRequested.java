package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** Someone asked to start the container; its outcome follows as its own event. */
public record ContainerStartRequested(String containerId, String name, Actor actor, Instant at) {
}
