package dev.tally.domain.volume.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Remove a volume and its data. */
public record RemoveVolume(@TargetAggregateIdentifier String volumeId, Actor actor) {
}
