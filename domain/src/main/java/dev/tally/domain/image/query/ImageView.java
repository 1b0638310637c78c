package dev.tally.domain.image.query;

import java.time.Instant;
import java.util.List;

/** An image as the read model sees it. */
public record ImageView(String id, List<String> tags, List<String> layers, long size, Instant created) {
}
