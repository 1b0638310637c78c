package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** Someone asked to stop the container. */
public record ContainerStopRequested(String containerId, String signal, int timeoutSeconds, Actor actor, Instant at) {
}
