package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The container's process ended (seen by its monitor or found at reconciliation). {@code pid}: the
 * process that ended (0: the host could not say), which ties the exit to the run it ends.
 */
public record RecordExit(@TargetAggregateIdentifier String containerId, int exitCode, java.time.Instant finishedAt,
                         long pid, Actor actor) {
}
