package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.command.RecordExec;
import dev.tally.domain.container.command.RecordExecExit;
import dev.tally.domain.container.query.ContainerView;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * docker exec: create, start, inspect, resize. Exec sessions live as long as the daemon, as
 * Docker's do; what they ran, who ran it and how it ended is in the log.
 */
public class ContainerExecs {

    private final CommandGateway commands;
    private final ContainerRuntime runtime;
    private final VisibleContainers visible;
    private final AccessControl access;
    private final Executor waiters;
    private final Map<String, ExecSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, ExecProcess> running = new ConcurrentHashMap<>();

    /**
     * @param waiters runs each started exec's wait for its end (one task per exec, as long as it
     *                runs): the caller owns the threads
     */
    public ContainerExecs(CommandGateway commands, ContainerRuntime runtime, VisibleContainers visible,
                          AccessControl access, Executor waiters) {
        this.commands = commands;
        this.runtime = runtime;
        this.visible = visible;
        this.access = access;
        this.waiters = waiters;
    }

    /**
     * Prepares an exec in a running container; returns its id. Nothing runs until it is started.
     * CONFLICT when the container is not running, INVALID without a command.
     */
    public String create(String ref, ExecSpec spec, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.exec");
        if (c.status() != ContainerStatus.RUNNING) {
            throw DomainException.conflict("container " + c.id() + " is not running");
        }
        if (spec.cmd().isEmpty()) {
            throw DomainException.invalid("No exec command specified");
        }
        String id = ContainerNaming.newId();
        sessions.put(id, new ExecSession(id, c.id(), spec, false, null));
        return id;
    }

    /** An exec session of a container this actor may see; NOT_FOUND (recorded) for anyone else's. */
    public ExecSession session(String execId, Actor actor) {
        ExecSession s = sessions.get(execId);
        if (s == null) {
            throw DomainException.notFound("No such exec instance: " + execId);
        }
        ContainerView c = visible.find(s.containerId()).orElse(null);
        if (c == null ? !access.isAdmin(actor) : !visible.visibleTo(c, actor)) {
            throw access.deny(actor, "exec.inspect", "exec/" + execId, "not the owner of its container, and no grant",
                    DomainException.notFound("No such exec instance: " + execId));
        }
        return s;
    }

    /**
     * Records who runs what, starts it, and records its exit when it ends (the returned exit
     * completes after that). CONFLICT when it ran already; when the runtime cannot start it, the
     * exit is recorded as 126 and the runtime's error thrown.
     */
    public RunningExec start(String execId, Actor actor) {
        ExecSession s = session(execId, actor);
        if (s.running() || s.exitCode() != null) {
            throw DomainException.conflict("Exec command " + execId + " has already run");
        }
        commands.sendAndWait(new RecordExec(s.containerId(), execId, s.spec(), actor));
        ExecProcess process;
        try {
            process = runtime.exec(s.containerId(), s.spec());
        } catch (DomainException e) {
            commands.sendAndWait(new RecordExecExit(s.containerId(), execId, 126, Actor.daemon()));
            sessions.put(execId, new ExecSession(execId, s.containerId(), s.spec(), false, 126));
            throw e;
        }
        sessions.put(execId, new ExecSession(execId, s.containerId(), s.spec(), true, null));
        running.put(execId, process);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            int code = process.waitFor();
            running.remove(execId);
            commands.sendAndWait(new RecordExecExit(s.containerId(), execId, code, Actor.daemon()));
            sessions.put(execId, new ExecSession(execId, s.containerId(), s.spec(), false, code));
            return code;
        }, waiters);
        return new RunningExec(process, exit);
    }

    /** Resizes a running exec's TTY; nothing to do once it ended or without a TTY. */
    public void resize(String execId, int height, int width, Actor actor) {
        session(execId, actor);
        ExecProcess process = running.get(execId);
        if (process != null) {
            process.resize(height, width);
        }
    }
}
