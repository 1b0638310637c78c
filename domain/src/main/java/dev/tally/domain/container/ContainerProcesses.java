package dev.tally.domain.container;

import java.util.List;

/**
 * Port: the processes of a running container, on the host. Errors are
 * {@link dev.tally.domain.DomainException}s: CONFLICT for a container that is not running (or not in
 * the state asked), INVALID for bad {@code ps} arguments, FAILED with the host's words otherwise.
 */
public interface ContainerProcesses {

    /** Freezes every process of the container (freezer cgroup v1, {@code cgroup.freeze} on v2). */
    void pause(String id);

    /** Thaws the container's processes. Idempotent: a container not frozen stays as it is. */
    void resume(String id);

    /**
     * As {@link #pause}, for the daemon's own use while it reads the container (a commit): the host
     * keeps a mark, written before the freeze and removed by {@link #resume}, so that a daemon stopped
     * in between finds the freeze its own ({@link #pausedByTheDaemon}) and thaws it.
     */
    default void pauseForTheDaemon(String id) {
        pause(id);
    }

    /** The containers {@link #pauseForTheDaemon} froze (or was about to) and no {@link #resume} thawed since. */
    default java.util.Set<String> pausedByTheDaemon() {
        return java.util.Set.of();
    }

    /**
     * {@code ps} with these arguments ({@code -ef} when empty), its rows kept to the container's
     * processes (those in its cgroup), as dockerd's {@code top} answers.
     */
    ProcessTable top(String id, List<String> psArgs);

    /** {@code ps}'s header split into titles, and one row per process of the container. */
    record ProcessTable(List<String> titles, List<List<String>> processes) {
    }
}
