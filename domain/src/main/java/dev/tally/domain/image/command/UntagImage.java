package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Take a reference (normalized) off this image. */
public record UntagImage(@TargetAggregateIdentifier String imageId, String reference, Actor actor) {
}
