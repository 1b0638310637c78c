package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Remove an image no reference and no container holds any more. */
public record RemoveImage(@TargetAggregateIdentifier String imageId, List<String> layers, String via, Actor actor) {
}
