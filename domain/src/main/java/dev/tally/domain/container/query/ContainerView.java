package dev.tally.domain.container.query;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerStatus;
import java.time.Instant;

/** A container as the read model sees it after the events so far. */
public record ContainerView(String id, String name, ContainerConfig config, String imageId, Actor owner,
                            Instant created, ContainerStatus status, long pid, int exitCode, Instant startedAt,
                            Instant finishedAt, String error) {

    public ContainerView with(ContainerStatus newStatus, long newPid, int newExitCode, Instant newStartedAt,
                              Instant newFinishedAt, String newError) {
        return new ContainerView(id, name, config, imageId, owner, created, newStatus, newPid, newExitCode,
                newStartedAt, newFinishedAt, newError);
    }
}
