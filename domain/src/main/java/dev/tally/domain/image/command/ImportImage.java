package dev.tally.domain.image.command;

import dev.tally.domain.Actor;
import java.util.List;

/** Record an image whose content the image store already holds. */
public record ImportImage(String imageId, String reference, List<String> layers, long size, Actor actor) {
}
