package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The host could not be given the bundle of a container recorded as created: it ends here, with why. */
public record RecordCreateFailed(@TargetAggregateIdentifier String containerId, String reason, Actor actor) {
}
