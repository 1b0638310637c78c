package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A recorded copy into the container failed on the host, and why. */
public record RecordFilesCopyFailed(@TargetAggregateIdentifier String containerId, String path, String digest,
                                    String reason, Actor actor) {
}
