package dev.tally.domain.container;

/**
 * The start-up reconciler's rule for one container the log knows: what the log says of it (and, for
 * one the log has running or starting, what the host says) decides the step that brings the log in
 * line with the host.
 */
final class Reconciliation {

    enum Step {
        /** An exited container created with --rm whose removal the daemon missed: remove it now. */
        REMOVE,
        /** Not running in the log: release what a crash after its exit may have left (its mount). */
        RELEASE,
        /**
         * Created in the log, its bundle not whole on the host: the daemon stopped between recording
         * the create and finishing its bundle. Nobody was answered: record the create as failed
         * ({@link #CREATE_CUT_SHORT}) and remove what was made.
         */
        UNDO_CREATE,
        /**
         * Running in the log and on the host: nothing to record. Also for a process that has ended
         * while its monitor has not yet written its exit: the exit is reported as any other.
         */
        KEEP,
        /**
         * Running in the log and on the host, frozen on the host and not in the log or the reverse: a
         * daemon stopped between freezing (or thawing) it and recording that. Record what the host
         * holds, with {@link #FROZEN_FOUND} or {@link #THAWED_FOUND}; the host is left as it is.
         */
        RECORD_PAUSE_FOUND,
        /** Starting in the log, running on the host: the start succeeded while the daemon was down. */
        RECORD_STARTED,
        /** Starting in the log, gone from the host without an exit: the daemon stopped while starting it. */
        RECORD_START_FAILED,
        /**
         * Starting in the log, created and never started on the host (its process waits to be let go,
         * its monitor alive): the daemon stopped between the runtime creating it and letting its
         * program run. Nobody was answered and the program never ran: record the start as failed
         * ({@link #START_CUT_SHORT}), then remove what the start made on the host (the waiting
         * process, its monitor, the runtime's state, the mount, the cgroup). It can be started again.
         */
        UNDO_START,
        /** Running or starting in the log, exited on the host with its code: record the exit. */
        RECORD_EXIT,
        /**
         * Running in the log, gone from the host, and no exit code left (no exit file, its monitor
         * gone): record an exit whose code is unknown, with {@link #UNKNOWN_EXIT}, never a made-up code.
         */
        RECORD_UNKNOWN_EXIT
    }

    /** Why a create is recorded as failed at start-up. */
    static final String CREATE_CUT_SHORT = "the daemon stopped while preparing the container's bundle";

    /** Why a start is recorded as failed at start-up when the host holds the container created, never started. */
    static final String START_CUT_SHORT = "the daemon stopped while starting it, after the runtime had created the "
            + "container and before its program ran; what the start had made was removed";

    /** Why an exit is recorded as unknown at start-up. */
    static final String UNKNOWN_EXIT = "the daemon was down when the container stopped, and no exit code was left "
            + "(its monitor wrote no exit file)";

    /** Why a pause is recorded at start-up: the log had the container running, the host frozen. */
    static final String FROZEN_FOUND = "found frozen at start-up while the log had it running: the daemon stopped "
            + "between freezing it and recording the pause, or it was frozen behind the daemon's back";

    /** Why an unpause is recorded at start-up: the log had the container paused, the host running. */
    static final String THAWED_FOUND = "found running, not frozen, at start-up while the log had it paused: the daemon "
            + "stopped between thawing it and recording that, or it was thawed behind the daemon's back";

    /**
     * Why an exec the log has running is recorded at start-up as ended with an unknown code: the
     * daemon that followed it stopped, and no daemon follows an exec across a restart.
     */
    static final String EXEC_UNFOLLOWED = "the daemon stopped while the exec ran, and its exit code was not kept "
            + "(an exec is not followed across a restart)";

    private Reconciliation() {
    }

    /** Whether the step depends on the host's state ({@link #step(ContainerStatus, ContainerRuntime.HostState)}). */
    static boolean asksTheHost(ContainerStatus inLog) {
        return inLog == ContainerStatus.RUNNING || inLog == ContainerStatus.STARTING;
    }

    /**
     * The step for a container the host need not be asked about (beyond whether its bundle is whole:
     * {@code prepared}).
     */
    static Step step(ContainerStatus inLog, boolean autoRemove, boolean prepared) {
        if (inLog == ContainerStatus.CREATED && !prepared) {
            return Step.UNDO_CREATE;
        }
        return inLog == ContainerStatus.EXITED && autoRemove ? Step.REMOVE : Step.RELEASE;
    }

    /** The step for a container running or starting in the log and not paused there, given what the host says. */
    static Step step(ContainerStatus inLog, ContainerRuntime.HostState host) {
        return step(inLog, false, host);
    }

    /** The step for a container running or starting in the log (paused there or not), given what the host says. */
    static Step step(ContainerStatus inLog, boolean pausedInLog, ContainerRuntime.HostState host) {
        if (host.running()) {
            if (inLog == ContainerStatus.STARTING) {
                return Step.RECORD_STARTED;
            }
            return host.frozen() == pausedInLog ? Step.KEEP : Step.RECORD_PAUSE_FOUND;
        }
        if (host.created()) {
            // its program never ran; a container the log has running was replaced behind the daemon's back
            return inLog == ContainerStatus.STARTING ? Step.UNDO_START : Step.RECORD_UNKNOWN_EXIT;
        }
        if (host.exitPending()) {
            return Step.KEEP;
        }
        if (host.exit().isPresent()) {
            return Step.RECORD_EXIT;
        }
        return inLog == ContainerStatus.STARTING ? Step.RECORD_START_FAILED : Step.RECORD_UNKNOWN_EXIT;
    }
}
