package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;

/** Create a container from a resolved image; the name is already reserved by the caller. */
public record CreateContainer(String containerId, String name, ContainerConfig config, String imageId,
                              Actor actor) {
}
