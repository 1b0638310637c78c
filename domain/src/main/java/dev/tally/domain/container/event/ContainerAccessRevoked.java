package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import java.time.Instant;

/** The grantee's grant was taken back: the container is hidden from them again. */
public record ContainerAccessRevoked(String containerId, Grantee grantee, Actor actor, Instant at) {
}
