package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The container's process ended (seen by its monitor or found at reconciliation). */
public record RecordExit(@TargetAggregateIdentifier String containerId, int exitCode, java.time.Instant finishedAt, Actor actor) {
}
