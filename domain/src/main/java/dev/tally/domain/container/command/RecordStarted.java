package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The runtime started the container's process. */
public record RecordStarted(@TargetAggregateIdentifier String containerId, long pid, Actor actor) {
}
