package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import java.time.Instant;
import java.util.List;

/** An image was imported from a root filesystem tar. */
public record ImageImported(String imageId, String reference, List<String> layers, long size, Actor actor,
                            Instant at) {
}
