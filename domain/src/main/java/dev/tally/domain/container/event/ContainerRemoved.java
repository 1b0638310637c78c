package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** The container was removed; the record of it stays in the log. */
public record ContainerRemoved(String containerId, String name, Actor actor, Instant at) {
}
