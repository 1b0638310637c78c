package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record a pull whose content the image store already holds whole (a new image or a known one). */
public record RecordPull(@TargetAggregateIdentifier String imageId, String reference, String registry,
                         String manifestDigest, List<String> layers, long size, boolean authenticated, Actor actor) {
}
