package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Send a signal to a running container. */
public record RequestKill(@TargetAggregateIdentifier String containerId, String signal, Actor actor) {
}
