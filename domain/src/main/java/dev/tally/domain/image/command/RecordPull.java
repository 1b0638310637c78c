package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Record a pull whose content the image store already holds whole (a new image or a known one), and,
 * in the same append, the move of its reference when the pull moved it.
 *
 * @param movedFrom what the reference pointed at before the pull moved it ("" for nothing), or null
 *                  when the pull did not move it (it pointed there already, or the pull was by digest)
 */
public record RecordPull(@TargetAggregateIdentifier String imageId, String reference, String registry,
                         String manifestDigest, List<String> layers, long size, boolean authenticated, String movedFrom,
                         Actor actor) {
}
