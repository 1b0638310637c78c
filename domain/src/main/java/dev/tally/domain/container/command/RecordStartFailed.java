package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The runtime could not start the container. */
public record RecordStartFailed(@TargetAggregateIdentifier String containerId, String reason, Actor actor) {
}
