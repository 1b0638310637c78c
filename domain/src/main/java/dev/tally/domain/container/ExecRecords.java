package dev.tally.domain.container;

import java.util.Optional;

/**
 * The execs as the log has them, for an exec the daemon holds no session of: one started before the
 * daemon restarted (no daemon follows an exec across a restart), or one whose finished session was
 * let go. A read model: it knows every exec that was started, none that was only created.
 */
public interface ExecRecords {

    /** Knows no exec. */
    ExecRecords NONE = execId -> Optional.empty();

    /**
     * The exec: running; ended with its code; or its exit unknown, with exit code
     * {@value dev.tally.domain.container.event.ContainerExitUnknown#EXIT_CODE} and the reason as its
     * error. Empty when the log has no start of it.
     */
    Optional<ExecSession> find(String execId);
}
