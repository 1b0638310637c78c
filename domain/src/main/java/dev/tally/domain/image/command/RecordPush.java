package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record a push that completed: the manifest is in the registry under the reference. */
public record RecordPush(@TargetAggregateIdentifier String imageId, String reference, String registry,
                         String manifestDigest, List<String> layers, List<String> uploaded, Actor actor) {
}
