package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Let a user see and act on a container they do not own (an admin's decision). */
public record GrantContainerAccess(@TargetAggregateIdentifier String containerId, Grantee grantee, Actor actor) {
}
