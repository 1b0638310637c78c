package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Take back a grant; the user no longer sees the container. */
public record RevokeContainerAccess(@TargetAggregateIdentifier String containerId, Grantee grantee, Actor actor) {
}
