package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A process opened with exec ended. */
public record RecordExecExit(@TargetAggregateIdentifier String containerId, String execId, int exitCode, Actor actor) {
}
