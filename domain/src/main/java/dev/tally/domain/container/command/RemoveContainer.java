package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Remove the container; with force a running one is killed first; with volumes ({@code rm -v}) its
 * anonymous volumes go too, which the removal's record says.
 */
public record RemoveContainer(@TargetAggregateIdentifier String containerId, boolean force, boolean volumes, Actor actor) {
}
