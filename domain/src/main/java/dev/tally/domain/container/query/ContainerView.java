package dev.tally.domain.container.query;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.Grantee;
import java.time.Instant;
import java.util.List;

/**
 * A container as the read model sees it after the events so far.
 *
 * @param grantees users other than the owner who were granted access (empty in views stored before
 *                 grants existed)
 * @param paused   frozen by a pause (status RUNNING, as Docker has it); false in views stored before pauses
 */
public record ContainerView(String id, String name, ContainerConfig config, String imageId, Actor owner,
                            Instant created, ContainerStatus status, long pid, int exitCode, Instant startedAt,
                            Instant finishedAt, String error, List<Grantee> grantees, boolean paused) {

    public ContainerView {
        grantees = grantees == null ? List.of() : List.copyOf(grantees);
    }

    /** A view without grants. */
    public ContainerView(String id, String name, ContainerConfig config, String imageId, Actor owner,
                         Instant created, ContainerStatus status, long pid, int exitCode, Instant startedAt,
                         Instant finishedAt, String error) {
        this(id, name, config, imageId, owner, created, status, pid, exitCode, startedAt, finishedAt, error, List.of());
    }

    /** A view not paused. */
    public ContainerView(String id, String name, ContainerConfig config, String imageId, Actor owner,
                         Instant created, ContainerStatus status, long pid, int exitCode, Instant startedAt,
                         Instant finishedAt, String error, List<Grantee> grantees) {
        this(id, name, config, imageId, owner, created, status, pid, exitCode, startedAt, finishedAt, error, grantees, false);
    }

    /** A change of the run state; a pause does not outlive the run it froze. */
    public ContainerView with(ContainerStatus newStatus, long newPid, int newExitCode, Instant newStartedAt,
                              Instant newFinishedAt, String newError) {
        return new ContainerView(id, name, config, imageId, owner, created, newStatus, newPid, newExitCode,
                newStartedAt, newFinishedAt, newError, grantees, paused && newStatus == ContainerStatus.RUNNING);
    }

    /** The same container under a changed configuration (its limits, by {@code docker update}). */
    public ContainerView withConfig(ContainerConfig newConfig) {
        return new ContainerView(id, name, newConfig, imageId, owner, created, status, pid, exitCode, startedAt,
                finishedAt, error, grantees, paused);
    }

    public ContainerView withGrantees(List<Grantee> newGrantees) {
        return new ContainerView(id, name, config, imageId, owner, created, status, pid, exitCode, startedAt,
                finishedAt, error, newGrantees, paused);
    }

    public ContainerView withPaused(boolean nowPaused) {
        return new ContainerView(id, name, config, imageId, owner, created, status, pid, exitCode, startedAt,
                finishedAt, error, grantees, nowPaused);
    }

    public ContainerView withName(String newName) {
        return new ContainerView(id, newName, config, imageId, owner, created, status, pid, exitCode, startedAt,
                finishedAt, error, grantees, paused);
    }
}
