package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The container's processes are frozen (the runtime froze them). */
public record RecordPaused(@TargetAggregateIdentifier String containerId, Actor actor) {
}
