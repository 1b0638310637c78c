package dev.tally.domain.volume.event;

import dev.tally.domain.Actor;
import java.time.Instant;

/** A volume and its data were removed. */
public record VolumeRemoved(String volumeId, String name, Actor actor, Instant at) {
}
