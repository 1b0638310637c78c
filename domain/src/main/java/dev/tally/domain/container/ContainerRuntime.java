package dev.tally.domain.container;

import java.time.Instant;
import java.util.Optional;

/**
 * The host side of a container. Implementations own the bundle, the root filesystem mount, the
 * monitor process and the cgroup. Errors are {@link dev.tally.domain.DomainException}s: INVALID for
 * a bad configuration, FAILED for what the host refused, with the host's words.
 */
public interface ContainerRuntime {

    /**
     * Checks what {@link #create} would refuse as INVALID (NOT_FOUND for an unknown image), reading
     * only: nothing on the host changes. Called before a create is recorded.
     */
    void validate(ContainerConfig config, String imageId, String remapUser);

    /**
     * Whether the container's bundle is whole: {@link #create} finished for it and {@link #remove}
     * has not run. False for an unknown container, and for one whose create was cut short.
     */
    boolean prepared(String id);

    /**
     * Writes the container's bundle. Idempotent. Leaves nothing behind when it throws.
     *
     * @param remapUser null to run in the host's user namespace; else the host user whose subordinate
     *                  ids (/etc/subuid, /etc/subgid) hold the container's users, its root included
     *                  (INVALID when that user has none)
     */
    void create(String id, ContainerConfig config, String imageId, String remapUser);

    /**
     * Mounts the root filesystem and starts the process under its monitor; returns its pid once it
     * runs. On failure it unmounts and removes what it made, then throws with the runtime's reason.
     */
    long start(String id);

    /** Sends a signal (name with or without SIG, or a number) to the container's process. */
    void kill(String id, String signal);

    /**
     * What the host says now. Never throws for an unknown container: it reports it gone. FAILED when
     * the host cannot say now (its runtime fails for another reason than an unknown container): from
     * that nothing may be concluded, least of all that the process ended.
     */
    HostState inspect(String id);

    /**
     * After an exit, or to undo a start the daemon did not see through: ends a process that was
     * created and never started, and its monitor; deletes the runtime's state, unmounts and removes
     * the cgroup. Idempotent.
     */
    void release(String id);

    /** Releases and deletes the container's directory, logs included. Idempotent. */
    void remove(String id);

    /**
     * Connects to the container's stdio: at once if it runs, else when it next starts, after its
     * monitor is up and before its process runs, so that no output is missed.
     */
    java.util.concurrent.CompletableFuture<AttachStream> attach(String id);

    /** Sets the size of the container's terminal. Ignored for a container without one. */
    void resize(String id, int height, int width);

    /** Starts a process inside a running container. FAILED with the runtime's words if it cannot. */
    ExecProcess exec(String id, ExecSpec spec);

    /** Ids of every container that has state on the host (bundle, mount or process). */
    java.util.Set<String> hostIds();

    /**
     * Called with every exit the monitors report, once per exit, with the pid of the run it ends. A
     * report may come late (after another reporter recorded it and the container started again): the
     * pid tells its run. No exit is reported while the host says the container's process runs.
     */
    void onExit(ExitListener listener);

    /** Opens the container's log for reading from its start. */
    LogCursor openLog(String id);

    /**
     * Known host facts about one container. {@code exitPending}: its process has ended but its
     * monitor is still alive and has not written the exit yet, so the exit is still to be reported
     * through {@link #onExit}; the host cannot say more until then. {@code frozen}: it runs, with
     * every process frozen (runc's state "paused"). {@code created}: made on the host and never
     * started (runc's state "created", its process still waiting to be let go): it never ran the
     * container's program; not running, no exit, none pending.
     */
    record HostState(boolean running, long pid, Optional<Exit> exit, boolean exitPending, boolean frozen,
                     boolean created) {

        public HostState(boolean running, long pid, Optional<Exit> exit, boolean exitPending, boolean frozen) {
            this(running, pid, exit, exitPending, frozen, false);
        }

        public HostState(boolean running, long pid, Optional<Exit> exit, boolean exitPending) {
            this(running, pid, exit, exitPending, false);
        }

        public HostState(boolean running, long pid, Optional<Exit> exit) {
            this(running, pid, exit, false);
        }

        public static HostState gone() {
            return new HostState(false, 0, Optional.empty());
        }

        /** Made on the host and never started: its process {@code pid} waits to be let go. */
        public static HostState createdOnly(long pid) {
            return new HostState(false, pid, Optional.empty(), false, false, true);
        }
    }

    /**
     * An exit as the monitor recorded it. {@code pid}: the process whose end it is (the pid
     * {@link #start} returned for that run), so that an exit is never taken for a later run's; 0 when
     * the host cannot say which process it was.
     */
    record Exit(int code, Instant at, long pid) {

        /** An exit of a process the host cannot name. */
        public Exit(int code, Instant at) {
            this(code, at, 0);
        }
    }

    @FunctionalInterface
    interface ExitListener {
        void exited(String id, Exit exit);
    }
}
