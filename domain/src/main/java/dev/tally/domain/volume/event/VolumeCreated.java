package dev.tally.domain.volume.event;

import dev.tally.domain.Actor;
import java.time.Instant;
import java.util.Map;

/** A named volume was created (explicitly, or by a container that mounted it). */
public record VolumeCreated(String volumeId, String name, Map<String, String> labels, Actor actor, Instant at) {
}
