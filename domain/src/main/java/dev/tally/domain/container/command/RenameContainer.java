package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Give the container another name (valid, and claimed by the caller before this is sent). */
public record RenameContainer(@TargetAggregateIdentifier String containerId, String newName, Actor actor) {
}
