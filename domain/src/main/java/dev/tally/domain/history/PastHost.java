package dev.tally.domain.history;

import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.volume.query.VolumeQueries;

/** The read models as the log says they were at one past time. */
public record PastHost(ContainerQueries containers, ImageQueries images, VolumeQueries volumes) {
}
