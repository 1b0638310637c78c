package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record the intent to start; the runtime acts after it is stored. */
public record RequestStart(@TargetAggregateIdentifier String containerId, Actor actor) {
}
