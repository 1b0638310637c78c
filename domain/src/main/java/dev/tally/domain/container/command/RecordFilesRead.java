package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Files of the container were read for a caller, and are about to be sent: what, where, how many bytes, their SHA-256. */
public record RecordFilesRead(@TargetAggregateIdentifier String containerId, String what, String path, long size,
                              String digest, Actor actor) {
}
