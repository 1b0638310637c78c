package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Remove the container; with force a running one is killed first. */
public record RemoveContainer(@TargetAggregateIdentifier String containerId, boolean force, Actor actor) {
}
