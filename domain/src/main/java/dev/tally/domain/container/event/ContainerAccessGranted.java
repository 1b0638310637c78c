package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import java.time.Instant;

/** From now on the grantee sees and acts on the container as its owner does. */
public record ContainerAccessGranted(String containerId, Grantee grantee, Actor actor, Instant at) {
}
