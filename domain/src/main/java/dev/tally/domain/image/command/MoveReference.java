package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Point a reference (normalized) at this image; the use case decided who may. */
public record MoveReference(@TargetAggregateIdentifier String toImageId, String reference, String fromImageId,
                            String via, Actor actor) {
}
