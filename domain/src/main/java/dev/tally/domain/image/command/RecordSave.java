package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record that an image is about to be handed to its caller in an archive. */
public record RecordSave(@TargetAggregateIdentifier String imageId, List<String> references, String manifestDigest,
                         List<String> layers, Actor actor) {
}
