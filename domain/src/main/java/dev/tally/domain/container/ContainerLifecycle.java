package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.container.command.RecordExit;
import dev.tally.domain.container.command.RecordExitAndRemove;
import dev.tally.domain.container.command.RecordExitUnknown;
import dev.tally.domain.container.command.RecordStartFailed;
import dev.tally.domain.container.command.RecordStarted;
import dev.tally.domain.container.command.RemoveContainer;
import dev.tally.domain.container.command.RequestKill;
import dev.tally.domain.container.command.RequestStart;
import dev.tally.domain.container.command.RequestStop;
import dev.tally.domain.container.query.ContainerView;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * start, stop, kill, restart, rm, and the exits the host reports. Each step that touches the host
 * stores its intent first, lets the runtime act, then stores the outcome, so that a crash in between
 * leaves a visible intent. Which transitions are legal is the {@link Container} aggregate's to say.
 */
public class ContainerLifecycle {

    /** How long a stop waits for the container to exit after SIGKILL, and rm -f after its kill. */
    static final Duration AFTER_KILL = Duration.ofSeconds(30);

    private final CommandGateway commands;
    private final ContainerRuntime runtime;
    private final VisibleContainers visible;
    /** Per container: a start's outcome is stored before the exit of the same process, however fast it exits. */
    private final KeyedLocks locks;
    private final ExitWaits exits;

    private final RemovedWith removedWith;

    /** What goes with a container removed with its volumes ({@code rm -v}, {@code --rm}): its anonymous volumes. */
    @FunctionalInterface
    public interface RemovedWith {
        RemovedWith NOTHING = (c, actor) -> { };

        void removed(ContainerView c, Actor actor);
    }

    public ContainerLifecycle(CommandGateway commands, ContainerRuntime runtime, VisibleContainers visible,
                              KeyedLocks locks, ExitWaits exits) {
        this(commands, runtime, visible, locks, exits, RemovedWith.NOTHING);
    }

    public ContainerLifecycle(CommandGateway commands, ContainerRuntime runtime, VisibleContainers visible,
                              KeyedLocks locks, ExitWaits exits, RemovedWith removedWith) {
        this.commands = commands;
        this.runtime = runtime;
        this.visible = visible;
        this.locks = locks;
        this.exits = exits;
        this.removedWith = removedWith;
    }

    /**
     * Starts the container. A start that fails is recorded (no container is left STARTING) and
     * thrown: INVALID when the command is at fault, FAILED otherwise; a container created with
     * {@code --rm} is then removed.
     */
    public void start(String ref, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.start");
        locks.exclusively(c.id(), () -> {
            commands.sendAndWait(new RequestStart(c.id(), actor));
            long pid;
            try {
                pid = runtime.start(c.id());
            } catch (RuntimeException failure) {
                throw startFailed(c, failure, actor);
            }
            commands.sendAndWait(new RecordStarted(c.id(), pid, actor));
            return null;
        });
    }

    /** Records a failed start, removes an auto-removed container; the error to throw. */
    private DomainException startFailed(ContainerView c, RuntimeException failure, Actor actor) {
        // Whatever went wrong is recorded and said: no container left STARTING, no bare error.
        DomainException e = failure instanceof DomainException d ? d
                : new DomainException(DomainException.Kind.FAILED, "start container " + c.id() + ": " + failure, failure);
        commands.sendAndWait(new RecordStartFailed(c.id(), e.getMessage(), actor));
        if (c.config().autoRemove()) {
            try {
                remove(c.id(), true, true, Actor.daemon());
            } catch (RuntimeException removal) {
                // Why it did not start comes first; that it is still there, second.
                return new DomainException(e.kind(), e.getMessage() + "; removing the container failed too: "
                        + removal.getMessage(), e);
            }
        }
        return e;
    }

    /**
     * Sends the signal, then SIGKILL after the timeout; when the request names no signal (or a negative
     * timeout), the container's own ({@link ContainerConfig.Stop}: its {@code --stop-signal} or image's
     * STOPSIGNAL, else TERM; its {@code --stop-timeout}, else 10 s; -1 waits without a SIGKILL).
     * Returns once the signal is sent, without waiting: the stage completes once the container has
     * exited (or the wait after SIGKILL ran out), on a thread of the {@link ExitWaits}. NOT_MODIFIED
     * (thrown) for a container that is not running.
     */
    public CompletionStage<Void> stop(String ref, String signal, int timeoutSeconds, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.stop");
        String sig = signal == null || signal.isBlank() ? c.config().stop().signalOrTerm() : signal;
        int timeout = timeoutSeconds < 0 ? c.config().stop().timeout() : timeoutSeconds;
        long pid = runPid(commands.sendAndWait(new RequestStop(c.id(), sig, timeout, actor)));
        // each wait starts before its signal, and is for this run: an exit recorded before a wait began,
        // and a start by another client after it, would make it the next run's (killed at its timeout)
        CompletionStage<Boolean> exited = exits.exitOf(c.id(), pid,
                Duration.ofSeconds(timeout < 0 ? Integer.MAX_VALUE : timeout));
        runtime.kill(c.id(), sig);
        return exited.thenCompose(done -> {
            if (done) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            CompletionStage<Boolean> killed = exits.exitOf(c.id(), pid, AFTER_KILL);
            runtime.kill(c.id(), "KILL");
            return killed.thenApply(x -> (Void) null);
        });
    }

    /** Sends the signal (KILL unless given). CONFLICT for a container that is not running. */
    public void kill(String ref, String signal, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.kill");
        String sig = signal == null || signal.isBlank() ? "KILL" : signal;
        commands.sendAndWait(new RequestKill(c.id(), sig, actor));
        runtime.kill(c.id(), sig);
    }

    /**
     * Stops the container if it runs (as {@link #stop}, without waiting), then starts it; the stage
     * completes once it has started (or failed to, with the start's error).
     */
    public CompletionStage<Void> restart(String ref, String signal, int timeoutSeconds, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.restart");
        if (c.status() != ContainerStatus.RUNNING) {
            start(c.id(), actor);
            return CompletableFuture.completedFuture(null);
        }
        return stop(c.id(), signal, timeoutSeconds, actor).thenRun(() -> start(c.id(), actor));
    }

    /**
     * Removes the container: from the log first (its name is free from then on), then from the host.
     * A running one only with {@code force}, which kills it and waits for its exit; CONFLICT without.
     * Removed under the container's lock, after a start under way: a container that start made
     * running meanwhile is ended by the removal (with {@code force}) or the removal is a CONFLICT.
     */
    public void remove(String ref, boolean force, Actor actor) {
        remove(ref, force, false, actor);
    }

    /** As {@link #remove(String, boolean, Actor)}; with {@code volumes} ({@code rm -v}), its anonymous volumes go too. */
    public void remove(String ref, boolean force, boolean volumes, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.remove");
        if (force && c.status() == ContainerStatus.RUNNING) {
            long pid = runPid(commands.sendAndWait(new RequestKill(c.id(), "KILL", actor)));
            CompletionStage<Boolean> exited = exits.exitOf(c.id(), pid, AFTER_KILL);
            runtime.kill(c.id(), "KILL");
            awaited(c.id(), exited);
        }
        // Under the container's lock: a start under way ends first (and what it started, runc's
        // delete -f ends), and no start or reported exit works on a bundle while it is deleted.
        locks.exclusively(c.id(), () -> {
            commands.sendAndWait(new RemoveContainer(c.id(), force, volumes, actor));
            runtime.remove(c.id());
            return null;
        });
        if (volumes) {
            removedWith.removed(c, actor);
        }
    }

    /** The pid of the run a stop or kill was recorded for: its command's answer (0: not known). */
    private static long runPid(Object answer) {
        return answer instanceof Long pid ? pid : 0;
    }

    /** Blocks until the wait ends: whether the run ended (false: timed out, or the caller was interrupted). */
    private static boolean awaited(String id, CompletionStage<Boolean> exit) {
        try {
            return exit.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DomainException(DomainException.Kind.FAILED, "waiting for container " + id + " to exit",
                    e.getCause());
        }
    }

    /**
     * Records an exit the host reported; removes the container if it asked for that. An exit of a
     * container already removed (rm -f records the exit itself; its monitor reports late) or already
     * recorded is not recorded again. An exit of an earlier run reported after the container started
     * again ({@link RecordedExit#ANOTHER_RUN}) is not recorded, and the host is left alone: the run
     * that goes on is not released; tallyd says so on its standard error.
     */
    public void exited(String id, ContainerRuntime.Exit exit) {
        ended(id, remove -> remove
                ? new RecordExitAndRemove(id, exit.code(), exit.at(), exit.pid(), Actor.daemon())
                : new RecordExit(id, exit.code(), exit.at(), exit.pid(), Actor.daemon()),
                () -> "exit " + exit.code() + " of pid " + exit.pid() + " at " + exit.at());
    }

    /**
     * Records that the container's process is gone and the host kept no exit code, with why; as
     * {@link #exited} otherwise. Never a made-up code: the record says the code is unknown.
     */
    public void exitedUnknown(String id, String reason) {
        ended(id, remove -> new RecordExitUnknown(id, reason, remove, Actor.daemon()), () -> reason);
    }

    /** @param record the command that records the end, given whether it also removes the container */
    private void ended(String id, java.util.function.Function<Boolean, Object> record,
                       java.util.function.Supplier<String> what) {
        Optional<ContainerView> known = visible.find(id);
        if (known.isEmpty()) {
            return;
        }
        locks.exclusively(id, () -> {
            boolean remove = known.get().config().autoRemove();
            Object answer;
            try {
                answer = commands.sendAndWait(record.apply(remove));
            } catch (org.axonframework.eventsourcing.AggregateDeletedException removedMeanwhile) {
                // an rm -f recorded this exit with its removal after the read model was read: nothing to record
                return null;
            }
            RecordedExit verdict = answer instanceof RecordedExit r ? r
                    : Boolean.TRUE.equals(answer) ? RecordedExit.RECORDED : RecordedExit.NOT_RUNNING;
            switch (verdict) {
                // exit and removal in one commit; the host side is released after the removal is
                // stored: a client waiting for the removal (run --rm) need not wait for runc's clean-up
                case RECORDED -> {
                    if (remove) {
                        runtime.remove(id);
                        removedWith.removed(known.get(), Actor.daemon());
                    } else {
                        runtime.release(id);
                    }
                }
                case NOT_RUNNING -> runtime.release(id);
                case ANOTHER_RUN -> System.err.println("tallyd: container " + id + ": a late report of an earlier"
                        + " run's end (" + what.get() + ") was not recorded: it runs again since");
            }
            return null;
        });
    }
}
