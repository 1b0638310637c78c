package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record the limits a container runs under from now on, the host having taken them. */
public record UpdateContainer(@TargetAggregateIdentifier String containerId, ContainerConfig.Limits limits, Actor actor) {
}
