package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Point a reference (name:tag) at an existing image. */
public record TagImage(@TargetAggregateIdentifier String imageId, String reference, Actor actor) {
}
