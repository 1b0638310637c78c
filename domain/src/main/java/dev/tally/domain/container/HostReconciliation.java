package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.container.command.RecordRecoveryFailed;
import dev.tally.domain.container.command.RecordStartFailed;
import dev.tally.domain.container.command.RecordStarted;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Brings the log in line with the host after the daemon was down: exits that happened meanwhile
 * are recorded with their real code and time, starts that never finished are recorded as failed,
 * running containers are adopted. Run once at start-up, before the daemon serves.
 *
 * <p>The runtime reports exits from before this runs (so that none that happens meanwhile is
 * missed), so an exit may be recorded by {@link ContainerLifecycle#exited} while this works. Each
 * container is therefore decided under its lifecycle lock, the one {@code exited} takes, from its
 * state in the log read under that lock, never from a list read earlier. A container whose
 * recovery fails anyway (the host cannot be asked, or what it says cannot be recorded) is recorded
 * as {@code ContainerRecoveryFailed} with the reason, and skipped: the daemon starts all the same.
 */
public class HostReconciliation {

    private final CommandGateway commands;
    private final ContainerRuntime runtime;
    private final ContainerQueries containers;
    private final ContainerLifecycle lifecycle;
    private final KeyedLocks locks;

    public HostReconciliation(CommandGateway commands, ContainerRuntime runtime, ContainerQueries containers,
                              ContainerLifecycle lifecycle, KeyedLocks locks) {
        this.commands = commands;
        this.runtime = runtime;
        this.containers = containers;
        this.lifecycle = lifecycle;
        this.locks = locks;
    }

    public void reconcile() {
        removeUnknownToTheLog();
        for (ContainerView listed : containers.list(true)) {
            try {
                locks.exclusively(listed.id(), () -> {
                    containers.find(listed.id()).ifPresent(this::reconcile);
                    return null;
                });
            } catch (RuntimeException e) {
                recoveryFailed(listed.id(), e);
            }
        }
    }

    /** One container, as the log has it now. */
    private void reconcile(ContainerView c) {
        if (Reconciliation.asksTheHost(c.status())) {
            ContainerRuntime.HostState host = runtime.inspect(c.id());
            apply(Reconciliation.step(c.status(), host), c, host);
        } else {
            apply(Reconciliation.step(c.status(), c.config().autoRemove()), c, ContainerRuntime.HostState.gone());
        }
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
     * A crash between preparing the bundle and storing ContainerCreated: nobody was told this
     * container exists, so it goes.
     * <p>
     * Issue 11: nothing records this kill and removal in the log.
     */
    private void removeUnknownToTheLog() {
        Set<String> known = containers.list(true).stream().map(ContainerView::id).collect(Collectors.toSet());
        for (String id : runtime.hostIds()) {
            if (!known.contains(id)) {
                try {
                    runtime.kill(id, "KILL");
                    runtime.remove(id);
                } catch (RuntimeException e) {
                    // nothing in the log to record it on; the next start tries again
                    System.err.println("tallyd: removing " + id + ", which the log does not know, failed: " + e.getMessage());
                }
            }
        }
    }

    /** @param host what the host said of it (not asked, and unused, for REMOVE and RELEASE) */
    private void apply(Reconciliation.Step step, ContainerView c, ContainerRuntime.HostState host) {
        switch (step) {
            case REMOVE -> lifecycle.remove(c.id(), true, Actor.daemon());
            case RELEASE -> runtime.release(c.id());
            case KEEP -> { }
            case RECORD_STARTED -> commands.sendAndWait(new RecordStarted(c.id(), host.pid(),
                    Actor.daemon()));
            case RECORD_START_FAILED -> {
                runtime.release(c.id());
                commands.sendAndWait(new RecordStartFailed(c.id(), "the daemon stopped while starting it",
                        Actor.daemon()));
            }
            case RECORD_EXIT -> lifecycle.exited(c.id(), host.exit()
                    .orElse(new ContainerRuntime.Exit(255, Instant.now())));
        }
    }
}
