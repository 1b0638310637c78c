package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Someone attaches to a container with stdin: what they type reaches its process, as with exec. */
public record RecordStdinAttach(@TargetAggregateIdentifier String containerId, Actor actor) {
}
