package dev.tally.domain.container;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.command.CreateContainer;
import dev.tally.domain.container.command.RecordCreateFailed;
import dev.tally.domain.container.command.GrantContainerAccess;
import dev.tally.domain.container.command.RevokeContainerAccess;
import dev.tally.domain.container.command.RecordExec;
import dev.tally.domain.container.command.RecordExecExit;
import dev.tally.domain.container.command.RecordExit;
import dev.tally.domain.container.command.RecordExitAndRemove;
import dev.tally.domain.container.command.RecordExitUnknown;
import dev.tally.domain.container.command.RecordRecoveryFailed;
import dev.tally.domain.container.command.RecordStartFailed;
import dev.tally.domain.container.command.RecordStarted;
import dev.tally.domain.container.command.RecordStdinAttach;
import dev.tally.domain.container.command.RecordFilesCopied;
import dev.tally.domain.container.command.RecordFilesCopyFailed;
import dev.tally.domain.container.command.RecordFilesRead;
import dev.tally.domain.container.command.RecordPauseFound;
import dev.tally.domain.container.command.RecordPaused;
import dev.tally.domain.container.command.RecordUnpaused;
import dev.tally.domain.container.command.RenameContainer;
import dev.tally.domain.container.command.RemoveContainer;
import dev.tally.domain.container.command.RequestKill;
import dev.tally.domain.container.command.RequestStart;
import dev.tally.domain.container.command.RequestStop;
import dev.tally.domain.container.command.SettleOpenExecs;
import dev.tally.domain.container.command.UpdateContainer;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRecoveryFailed;
import dev.tally.domain.container.event.ContainerExecExitUnknown;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.event.ContainerKillRequested;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStdinAttached;
import dev.tally.domain.container.event.ContainerStopRequested;
import dev.tally.domain.container.event.ContainerUpdated;
import dev.tally.domain.container.event.ContainerFilesCopied;
import dev.tally.domain.container.event.ContainerFilesCopyFailed;
import dev.tally.domain.container.event.ContainerFilesRead;
import dev.tally.domain.container.event.ContainerPauseFound;
import dev.tally.domain.container.event.ContainerPaused;
import dev.tally.domain.container.event.ContainerRenamed;
import dev.tally.domain.container.event.ContainerUnpaused;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A container's run lifecycle: created → starting → running → exited (→ starting again), and
 * removed at the end. Handlers check and throw before applying; sourcing handlers only assign.
 */
public class Container {

    @AggregateIdentifier
    private String id;
    private String name;
    private ContainerStatus status;
    /** Frozen by a pause: still running, as Docker has it. */
    private boolean paused;
    private int ownerUid;
    private String ownerUser;
    private final Set<Integer> grantedUids = new HashSet<>();
    /** Execs started and not yet ended in the log, in the order they started, with when each started. */
    private final Map<String, Instant> openExecs = new LinkedHashMap<>();
    /** The pid of the last run the log recorded as started (0: none). */
    private long runPid;
    /** When the last start was asked for: every exit of the run it starts comes after. */
    private Instant startRequestedAt;

    Container() {
        // for Axon
    }

    @CommandHandler
    Container(CreateContainer cmd) {
        if (cmd.name() == null || cmd.name().isBlank()) {
            throw DomainException.invalid("a container needs a name");
        }
        apply(new ContainerCreated(cmd.containerId(), cmd.name(), cmd.config(), cmd.imageId(), cmd.actor(),
                Instant.now()));
    }

    /** Only for a container that is created and not running: one that ran had its bundle. */
    @CommandHandler
    void handle(RecordCreateFailed cmd) {
        requireStatus(ContainerStatus.CREATED, "record a failed create");
        apply(new ContainerCreateFailed(id, name, cmd.reason(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RequestStart cmd) {
        switch (status) {
            case RUNNING -> throw DomainException.notModified("container " + name + " is already running");
            case STARTING -> throw DomainException.conflict("container " + name + " is already starting");
            default -> apply(new ContainerStartRequested(id, name, cmd.actor(), Instant.now()));
        }
    }

    @CommandHandler
    void handle(RecordStarted cmd) {
        requireStatus(ContainerStatus.STARTING, "record a start");
        apply(new ContainerStarted(id, cmd.pid(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordStartFailed cmd) {
        requireStatus(ContainerStatus.STARTING, "record a failed start");
        apply(new ContainerStartFailed(id, cmd.reason(), cmd.actor(), Instant.now()));
    }

    /** Whatever its state: the record says only that recovery failed, and why; the state stays. */
    @CommandHandler
    void handle(RecordRecoveryFailed cmd) {
        apply(new ContainerRecoveryFailed(id, cmd.reason(), cmd.actor(), Instant.now()));
    }

    /**
     * Idempotent: an exit of a container that is not running is not recorded twice. An exit of another
     * run than the one the log has ({@link #endsThisRun}) is not recorded either.
     */
    @CommandHandler
    RecordedExit handle(RecordExit cmd) {
        RecordedExit verdict = verdict(cmd.pid(), cmd.finishedAt());
        if (verdict == RecordedExit.RECORDED) {
            startedBeforeItsEnd(cmd.pid(), cmd.finishedAt(), cmd.actor());
            apply(new ContainerExited(id, cmd.exitCode(), cmd.actor(), cmd.finishedAt()));
        }
        return verdict;
    }

    /** As {@link #handle(RecordExit)}, and removed in the same commit when recorded. */
    @CommandHandler
    RecordedExit handle(RecordExitAndRemove cmd) {
        RecordedExit verdict = verdict(cmd.pid(), cmd.finishedAt());
        if (verdict == RecordedExit.RECORDED) {
            startedBeforeItsEnd(cmd.pid(), cmd.finishedAt(), cmd.actor());
            apply(new ContainerExited(id, cmd.exitCode(), cmd.actor(), cmd.finishedAt()));
            apply(new ContainerRemoved(id, name, cmd.actor(), Instant.now(), true)); // --rm takes them
        }
        return verdict;
    }

    /**
     * An exit of the run the log has starting: its program ran, and the start's outcome was never
     * recorded (the daemon stopped after letting the program go and before recording it; the
     * reconciler then finds the exit). The start is recorded first, with the exit's pid (0: unknown),
     * by whoever records the exit, stamped no later than the end: the log and {@code /events} say it
     * started, then ended, as the host did. Before, the log went from starting to exited, a {@code die}
     * with no {@code start}.
     */
    private void startedBeforeItsEnd(long pid, Instant endedAt, dev.tally.domain.Actor actor) {
        if (status == ContainerStatus.STARTING) {
            Instant now = Instant.now();
            apply(new ContainerStarted(id, pid, actor, endedAt != null && endedAt.isBefore(now) ? endedAt : now));
        }
    }

    private RecordedExit verdict(long pid, Instant at) {
        if (status != ContainerStatus.RUNNING && status != ContainerStatus.STARTING) {
            return RecordedExit.NOT_RUNNING;
        }
        return endsThisRun(pid, at) ? RecordedExit.RECORDED : RecordedExit.ANOTHER_RUN;
    }

    /**
     * Whether an exit of process {@code pid} (0: unknown) at {@code at} ends the run the log has running
     * or starting, rather than an earlier one whose exit was reported late. Running: its recorded pid
     * decides; where a pid is unknown, an exit before this start was asked for is an earlier run's.
     * Starting: this run's pid is not recorded yet, and the pid the log holds is the previous run's; an
     * exit of that process from before this start was asked for is that run's (both must hold, so
     * that neither a reused pid nor a clock set back alone refuses a true exit).
     */
    private boolean endsThisRun(long pid, Instant at) {
        boolean beforeThisStart = startRequestedAt != null && at != null && at.isBefore(startRequestedAt);
        if (status == ContainerStatus.RUNNING) {
            return pid != 0 && runPid != 0 ? pid == runPid : !beforeThisStart;
        }
        return pid != 0 ? !(pid == runPid && beforeThisStart) : !beforeThisStart;
    }

    /**
     * Idempotent like {@link #handle(RecordExit)}: an exit whose code is unknown is recorded only for
     * a container the log has running or starting.
     */
    @CommandHandler
    boolean handle(RecordExitUnknown cmd) {
        if (status != ContainerStatus.RUNNING && status != ContainerStatus.STARTING) {
            return false;
        }
        apply(new ContainerExitUnknown(id, cmd.reason(), cmd.actor(), Instant.now()));
        if (cmd.remove()) {
            apply(new ContainerRemoved(id, name, cmd.actor(), Instant.now(), true)); // --rm takes them
        }
        return true;
    }

    @CommandHandler
    void handle(RecordExec cmd) {
        if (status != ContainerStatus.RUNNING) {
            throw DomainException.conflict("container " + id + " is not running");
        }
        if (paused) {
            throw pausedConflict();
        }
        if (cmd.spec().cmd().isEmpty()) {
            throw DomainException.invalid("No exec command specified");
        }
        apply(new ContainerExecStarted(id, cmd.execId(), cmd.spec(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordStdinAttach cmd) {
        apply(new ContainerStdinAttached(id, cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordExecExit cmd) {
        apply(new ContainerExecExited(id, cmd.execId(), cmd.exitCode(), cmd.actor(), Instant.now()));
    }

    /**
     * Idempotent: an exec already ended in the log is not settled again; none open before the
     * command's moment, nothing recorded. An exec started at that moment or later is left open.
     */
    @CommandHandler
    int handle(SettleOpenExecs cmd) {
        List<String> open = openExecs.entrySet().stream().filter(e -> e.getValue().isBefore(cmd.startedBefore()))
                .map(Map.Entry::getKey).toList();
        for (String execId : open) {
            apply(new ContainerExecExitUnknown(id, execId, cmd.reason(), cmd.actor(), Instant.now()));
        }
        return open.size();
    }

    /** Answers the pid of the run the signal is for, so that a wait for its end is for that run only. */
    @CommandHandler
    long handle(RequestStop cmd) {
        if (status != ContainerStatus.RUNNING) {
            throw DomainException.notModified("container " + name + " is not running");
        }
        apply(new ContainerStopRequested(id, cmd.signal(), cmd.timeoutSeconds(), cmd.actor(), Instant.now()));
        thawedBySignal(cmd.actor());
        return runPid;
    }

    /** Answers the pid of the run the signal is for, as {@link #handle(RequestStop)}. */
    @CommandHandler
    long handle(RequestKill cmd) {
        if (status != ContainerStatus.RUNNING) {
            throw DomainException.conflict("container " + id + " is not running");
        }
        apply(new ContainerKillRequested(id, cmd.signal(), cmd.actor(), Instant.now()));
        thawedBySignal(cmd.actor());
        return runPid;
    }

    /** A signal to a paused container thaws it, so that the signal arrives (the runtime resumes it after the signal). */
    private void thawedBySignal(dev.tally.domain.Actor actor) {
        if (paused) {
            apply(new ContainerUnpaused(id, actor, Instant.now()));
        }
    }

    @CommandHandler
    void handle(RecordPaused cmd) {
        if (status != ContainerStatus.RUNNING) {
            throw DomainException.conflict("Container " + id + " is not running");
        }
        if (paused) {
            throw DomainException.conflict("Container " + id + " is already paused");
        }
        apply(new ContainerPaused(id, cmd.actor(), Instant.now()));
    }

    /** Idempotent: recorded only for a running container whose pause in the log differs from the host's. */
    @CommandHandler
    boolean handle(RecordPauseFound cmd) {
        if (status != ContainerStatus.RUNNING || paused == cmd.paused()) {
            return false;
        }
        apply(new ContainerPauseFound(id, cmd.paused(), cmd.reason(), cmd.actor(), Instant.now()));
        return true;
    }

    @CommandHandler
    void handle(RecordUnpaused cmd) {
        if (status != ContainerStatus.RUNNING || !paused) {
            throw DomainException.conflict("Container " + id + " is not paused");
        }
        apply(new ContainerUnpaused(id, cmd.actor(), Instant.now()));
    }

    /** The new name must be valid and claimed by the caller (the set-based rule is {@link ContainerNames}'). */
    @CommandHandler
    void handle(RenameContainer cmd) {
        if (cmd.newName() == null || cmd.newName().isBlank()) {
            throw DomainException.invalid("Neither old nor new names may be empty");
        }
        if (cmd.newName().equals(name)) {
            throw DomainException.invalid("Renaming a container with the same name as its current name");
        }
        apply(new ContainerRenamed(id, name, cmd.newName(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordFilesCopied cmd) {
        apply(new ContainerFilesCopied(id, cmd.path(), cmd.size(), cmd.digest(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordFilesRead cmd) {
        apply(new ContainerFilesRead(id, cmd.what(), cmd.path(), cmd.size(), cmd.digest(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordFilesCopyFailed cmd) {
        apply(new ContainerFilesCopyFailed(id, cmd.path(), cmd.digest(), cmd.reason(), cmd.actor(), Instant.now()));
    }

    /** Docker's words for an exec into a paused container. */
    private DomainException pausedConflict() {
        return DomainException.conflict("Container " + id + " is paused, unpause the container before exec");
    }

    @CommandHandler
    void handle(RemoveContainer cmd) {
        if ((status == ContainerStatus.RUNNING || status == ContainerStatus.STARTING) && !cmd.force()) {
            throw DomainException.conflict("cannot remove container \"/" + name
                    + "\": container is running: stop the container before removing or force remove");
        }
        apply(new ContainerRemoved(id, name, cmd.actor(), Instant.now(), cmd.volumes()));
    }

    /** In any state but removed (a removed container is no aggregate to load): limits apply at the next start. */
    @CommandHandler
    void handle(UpdateContainer cmd) {
        if (cmd.limits() == null) {
            throw DomainException.invalid("an update needs the limits");
        }
        apply(new ContainerUpdated(id, cmd.limits(), cmd.actor(), Instant.now()));
    }

    /** Idempotent: granting again to the same user records nothing new. */
    @CommandHandler
    void handle(GrantContainerAccess cmd) {
        if (isOwner(cmd.grantee())) {
            throw DomainException.invalid(cmd.grantee().user() + " owns container " + name + ": there is nothing to grant");
        }
        if (!grantedUids.contains(cmd.grantee().uid())) {
            apply(new ContainerAccessGranted(id, cmd.grantee(), cmd.actor(), Instant.now()));
        }
    }

    @CommandHandler
    void handle(RevokeContainerAccess cmd) {
        if (!grantedUids.contains(cmd.grantee().uid())) {
            throw DomainException.notFound(cmd.grantee().user() + " has no grant on container " + name);
        }
        apply(new ContainerAccessRevoked(id, cmd.grantee(), cmd.actor(), Instant.now()));
    }

    private boolean isOwner(Grantee g) {
        return g.uid() == ownerUid && (ownerUid != -1 || g.user().equals(ownerUser));
    }

    private void requireStatus(ContainerStatus expected, String what) {
        if (status != expected) {
            throw DomainException.conflict("cannot " + what + " for container " + name + ": it is "
                    + status.name().toLowerCase());
        }
    }

    @EventSourcingHandler
    void on(ContainerCreated e) {
        id = e.containerId();
        name = e.name();
        status = ContainerStatus.CREATED;
        ownerUid = e.actor().uid();
        ownerUser = e.actor().user();
    }

    @EventSourcingHandler
    void on(ContainerCreateFailed e) {
        status = ContainerStatus.REMOVED;
        markDeleted();
    }

    @EventSourcingHandler
    void on(ContainerAccessGranted e) {
        grantedUids.add(e.grantee().uid());
    }

    @EventSourcingHandler
    void on(ContainerAccessRevoked e) {
        grantedUids.remove(e.grantee().uid());
    }

    @EventSourcingHandler
    void on(ContainerStartRequested e) {
        status = ContainerStatus.STARTING;
        startRequestedAt = e.at();
    }

    @EventSourcingHandler
    void on(ContainerStarted e) {
        status = ContainerStatus.RUNNING;
        runPid = e.pid();
    }

    @EventSourcingHandler
    void on(ContainerStartFailed e) {
        status = ContainerStatus.CREATED;
    }

    @EventSourcingHandler
    void on(ContainerExited e) {
        status = ContainerStatus.EXITED;
        paused = false;
    }

    @EventSourcingHandler
    void on(ContainerExitUnknown e) {
        status = ContainerStatus.EXITED;
        paused = false;
    }

    @EventSourcingHandler
    void on(ContainerPaused e) {
        paused = true;
    }

    @EventSourcingHandler
    void on(ContainerPauseFound e) {
        paused = e.paused();
    }

    @EventSourcingHandler
    void on(ContainerUnpaused e) {
        paused = false;
    }

    @EventSourcingHandler
    void on(ContainerRenamed e) {
        name = e.newName();
    }

    @EventSourcingHandler
    void on(ContainerExecStarted e) {
        openExecs.put(e.execId(), e.at());
    }

    @EventSourcingHandler
    void on(ContainerExecExited e) {
        openExecs.remove(e.execId());
    }

    @EventSourcingHandler
    void on(ContainerExecExitUnknown e) {
        openExecs.remove(e.execId());
    }

    @EventSourcingHandler
    void on(ContainerRemoved e) {
        status = ContainerStatus.REMOVED;
        markDeleted();
    }
}
