package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.container.command.RecordCreateFailed;
import dev.tally.domain.container.command.RecordPauseFound;
import dev.tally.domain.container.command.RecordRecoveryFailed;
import dev.tally.domain.container.command.RecordStartFailed;
import dev.tally.domain.container.command.RecordStarted;
import dev.tally.domain.container.command.SettleOpenExecs;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.host.LeftoverRemovals;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Brings the log in line with the host after the daemon was down: creates whose bundle was not
 * finished are recorded as failed and undone, exits that happened meanwhile
 * are recorded with their real code and time (or as unknown, with why, when the host kept no code),
 * starts that never finished are recorded as failed, running containers are adopted, execs the log
 * has running are recorded as ended with an unknown code (no daemon follows them any more), and what the
 * host holds that no container of the log does is removed, recorded first ({@link HostLeftoverRemoved}).
 * Run once at start-up, before the daemon serves; then {@link #recheck} for what it could not decide.
 *
 * <p>The runtime reports exits from before this runs (so that none that happens meanwhile is
 * missed), so an exit may be recorded by {@link ContainerLifecycle#exited} while this works. Each
 * container is therefore decided under its lifecycle lock, the one {@code exited} takes, from its
 * state in the log read under that lock, never from a list read earlier. A container whose
 * recovery fails anyway (the host cannot be asked, or what it says cannot be recorded) is recorded
 * as {@code ContainerRecoveryFailed} with the reason, left as the log has it, and returned to be
 * checked again: a host that cannot answer now never makes an exit.
 */
public class HostReconciliation {

    /** How many times the host is asked about one container, at once, before it is left for a recheck. */
    static final int ASKS = 3;

    private final CommandGateway commands;
    private final LeftoverRemovals leftovers;
    private final ContainerRuntime runtime;
    private final ContainerQueries containers;
    private final ContainerLifecycle lifecycle;
    private final KeyedLocks locks;
    private final Clock clock;
    /**
     * When this daemon began reconciling, before it served: every exec started before then was
     * started by a daemon that no longer runs; every exec started since is this daemon's.
     */
    private volatile Instant began;

    public HostReconciliation(CommandGateway commands, LeftoverRemovals leftovers, ContainerRuntime runtime,
                              ContainerQueries containers, ContainerLifecycle lifecycle, KeyedLocks locks) {
        this(commands, leftovers, runtime, containers, lifecycle, locks, Clock.systemUTC());
    }

    public HostReconciliation(CommandGateway commands, LeftoverRemovals leftovers, ContainerRuntime runtime,
                              ContainerQueries containers, ContainerLifecycle lifecycle, KeyedLocks locks, Clock clock) {
        this.commands = commands;
        this.leftovers = leftovers;
        this.runtime = runtime;
        this.containers = containers;
        this.lifecycle = lifecycle;
        this.locks = locks;
        this.clock = clock;
    }

    /** Reconciles every container; returns the ids it could not decide (each recorded as not recovered). */
    public Set<String> reconcile() {
        began = clock.instant();
        removeUnknownToTheLog();
        Set<String> undecided = new LinkedHashSet<>();
        for (ContainerView listed : containers.list(true)) {
            try {
                decide(listed.id());
            } catch (RuntimeException e) {
                recoveryFailed(listed.id(), e);
                undecided.add(listed.id());
            }
        }
        return undecided;
    }

    /**
     * Tries again the containers {@link #reconcile} could not decide, as the log has them now (their
     * execs left by the daemon before this one too, when settling them was what failed); returns
     * those it still cannot decide. Records nothing about those (their failure is recorded once).
     */
    public Set<String> recheck(Set<String> ids) {
        if (began == null) {
            throw new IllegalStateException("a recheck comes after reconcile");
        }
        Set<String> still = new LinkedHashSet<>();
        for (String id : ids) {
            try {
                decide(id);
            } catch (RuntimeException e) {
                still.add(id);
            }
        }
        return still;
    }

    /**
     * Settles the container's execs that a daemon before this one started (none of them can be
     * followed; a recheck runs while this daemon's own execs may be running, and leaves those), then
     * brings the container in line with the host.
     */
    private void decide(String id) {
        locks.exclusively(id, () -> {
            containers.find(id).ifPresent(c -> {
                try {
                    commands.sendAndWait(new SettleOpenExecs(c.id(), Reconciliation.EXEC_UNFOLLOWED, began,
                            Actor.daemon()));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("recording the end of the execs no daemon follows any more failed: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
                }
                reconcile(c);
            });
            return null;
        });
    }

    /** One container, as the log has it now. */
    private void reconcile(ContainerView c) {
        if (Reconciliation.asksTheHost(c.status())) {
            ContainerRuntime.HostState host = ask(c.id());
            apply(Reconciliation.step(c.status(), c.paused(), host), c, host);
        } else {
            apply(Reconciliation.step(c.status(), c.config().autoRemove(), runtime.prepared(c.id())), c,
                    ContainerRuntime.HostState.gone());
        }
    }

    /** What the host says, asked up to {@link #ASKS} times while it cannot answer. */
    private ContainerRuntime.HostState ask(String id) {
        RuntimeException last = null;
        for (int i = 0; i < ASKS; i++) {
            try {
                return runtime.inspect(id);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private void recoveryFailed(String id, RuntimeException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        try {
            commands.sendAndWait(new RecordRecoveryFailed(id, reason, Actor.daemon()));
        } catch (RuntimeException unrecorded) {
            System.err.println("tallyd: recovering container " + id + " failed (" + reason
                    + ") and that could not be recorded: " + unrecorded.getMessage());
        }
    }

    /**
     * What the host holds that no container of the log does: left by a create whose record was never
     * stored, or by a removal whose host side was not finished, before the daemon stopped. Nobody can
     * own it (the log names no owner nor configuration), so it is not adopted: its removal is recorded,
     * then done, and recorded once however often it is cut short ({@link LeftoverRemovals}). One that
     * cannot be removed is said on stderr and met again at the next start, not recorded again.
     */
    private void removeUnknownToTheLog() {
        Set<String> known = containers.list(true).stream().map(ContainerView::id).collect(Collectors.toSet());
        Set<String> unknown = new java.util.TreeSet<>(runtime.hostIds());
        unknown.removeAll(known);
        leftovers.forgetFinished(HostLeftoverRemoved.CONTAINER, unknown);
        for (String id : unknown) {
            try {
                boolean running = runtime.inspect(id).running();
                leftovers.remove(HostLeftoverRemoved.CONTAINER, id, running
                        ? "on the host but in no container of the log; its process was running and is killed"
                        : "on the host but in no container of the log", () -> {
                            if (running) {
                                runtime.kill(id, "KILL");
                            }
                            runtime.remove(id);
                        });
            } catch (RuntimeException e) {
                System.err.println("tallyd: removing " + id + ", which no container of the log holds, failed: "
                        + e.getMessage());
            }
        }
    }

    /**
     * A {@code --rm} container whose start a stop cut short is removed, as a live start that fails
     * removes it ({@link ContainerLifecycle}): its failed start is recorded first, then its removal.
     */
    private void removeIfAutoRemoved(ContainerView c) {
        if (c.config().autoRemove()) {
            lifecycle.remove(c.id(), true, true, Actor.daemon());
        }
    }

    /** @param host what the host said of it (not asked, and unused, for REMOVE, RELEASE and UNDO_CREATE) */
    private void apply(Reconciliation.Step step, ContainerView c, ContainerRuntime.HostState host) {
        switch (step) {
            // only a --rm container is removed here: its anonymous volumes go with it, as at a live exit
            case REMOVE -> lifecycle.remove(c.id(), true, true, Actor.daemon());
            case RELEASE -> runtime.release(c.id());
            case UNDO_CREATE -> {
                commands.sendAndWait(new RecordCreateFailed(c.id(), Reconciliation.CREATE_CUT_SHORT, Actor.daemon()));
                runtime.remove(c.id());
            }
            case KEEP -> { }
            case RECORD_PAUSE_FOUND -> commands.sendAndWait(new RecordPauseFound(c.id(), host.frozen(),
                    host.frozen() ? Reconciliation.FROZEN_FOUND : Reconciliation.THAWED_FOUND, Actor.daemon()));
            case RECORD_STARTED -> commands.sendAndWait(new RecordStarted(c.id(), host.pid(),
                    Actor.daemon()));
            case UNDO_START -> {
                // recorded first: the host change that follows (the waiting process killed) is the record's
                commands.sendAndWait(new RecordStartFailed(c.id(), Reconciliation.START_CUT_SHORT, Actor.daemon()));
                runtime.release(c.id());
                removeIfAutoRemoved(c);
            }
            case RECORD_START_FAILED -> {
                runtime.release(c.id());
                commands.sendAndWait(new RecordStartFailed(c.id(), "the daemon stopped while starting it",
                        Actor.daemon()));
                removeIfAutoRemoved(c);
            }
            case RECORD_EXIT -> lifecycle.exited(c.id(), host.exit().orElseThrow());
            case RECORD_UNKNOWN_EXIT -> lifecycle.exitedUnknown(c.id(), Reconciliation.UNKNOWN_EXIT);
        }
    }
}
