package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Record an import of content the image store already holds (new or known), pointing a reference at it.
 *
 * @param previousImageId what the reference pointed at before, or empty
 */
public record ImportImage(@TargetAggregateIdentifier String imageId, String reference, List<String> layers, long size,
                          String previousImageId, Actor actor) {
}
