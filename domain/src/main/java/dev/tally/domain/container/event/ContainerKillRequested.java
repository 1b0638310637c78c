package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** Someone sent the container a signal. */
public record ContainerKillRequested(String containerId, String signal, Actor actor, Instant at) {
}
