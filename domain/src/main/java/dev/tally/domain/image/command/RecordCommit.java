package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Record an image made of a container's changes; the image store holds it already. */
public record RecordCommit(@TargetAggregateIdentifier String imageId, String containerId, String parentImageId,
                           String layerDigest, String manifestDigest, List<String> layers, long size, String reference,
                           String comment, Actor actor) {
}
