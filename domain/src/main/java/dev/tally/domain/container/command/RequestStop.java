package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Stop: the signal, then SIGKILL after the timeout. */
public record RequestStop(@TargetAggregateIdentifier String containerId, String signal, int timeoutSeconds, Actor actor) {
}
