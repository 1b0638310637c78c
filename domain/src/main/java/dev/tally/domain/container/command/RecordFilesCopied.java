package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Files are about to be copied into the container: a checked tar of {@code size} bytes, its SHA-256, where. */
public record RecordFilesCopied(@TargetAggregateIdentifier String containerId, String path, long size, String digest,
                                Actor actor) {
}
