package dev.tally.domain.volume.query;

import dev.tally.domain.Actor;
import java.time.Instant;
import java.util.Map;

/** A live volume as the read model sees it. */
public record VolumeView(String id, String name, Map<String, String> labels, Actor owner, Instant created) {
}
