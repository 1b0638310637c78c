package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The container's processes are thawed (the runtime thawed them). */
public record RecordUnpaused(@TargetAggregateIdentifier String containerId, Actor actor) {
}
