package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The daemon, starting, could not bring this container's record in line with the host. */
public record RecordRecoveryFailed(@TargetAggregateIdentifier String containerId, String reason, Actor actor) {
}
