package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record an image loaded from an archive (new to the log or not); the image store holds it already. */
public record LoadImage(@TargetAggregateIdentifier String imageId, List<String> references, String manifestDigest,
                        List<String> layers, long size, Actor actor) {
}
