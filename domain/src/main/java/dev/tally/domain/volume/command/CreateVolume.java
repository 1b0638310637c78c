package dev.tally.domain.volume.command;

import dev.tally.domain.Actor;
import java.util.Map;

/** Create a named volume; the id is fresh, so a name can be used again after removal. */
public record CreateVolume(String volumeId, String name, Map<String, String> labels, Actor actor) {
}
