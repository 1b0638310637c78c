package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** A reference now points at this image (and at no other). */
public record ImageTagged(String imageId, String reference, Actor actor, Instant at) {
}
