package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** A container was created (configuration only; nothing runs yet). */
public record ContainerCreated(String containerId, String name, dev.tally.domain.container.ContainerConfig config, String imageId, Actor actor, Instant at) {
}
