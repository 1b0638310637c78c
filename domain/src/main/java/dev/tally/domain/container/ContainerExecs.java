package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.LimitRefusals;
import dev.tally.domain.container.command.RecordExec;
import dev.tally.domain.container.command.RecordExecExit;
import dev.tally.domain.container.query.ContainerView;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * docker exec: create, start, inspect, resize. Sessions are held under {@link ExecLimits} (see
 * {@link ExecSessions}): a non-admin user may hold so many open at once (429 and a recorded refusal
 * beyond), and finished or abandoned ones are evicted after a while; what each ran, who ran it and
 * how it ended stays in the log.
 */
public class ContainerExecs {

    private final CommandGateway commands;
    private final ContainerRuntime runtime;
    private final VisibleContainers visible;
    private final AccessControl access;
    private final Executor waiters;
    private final ExecSessions sessions;
    private final LimitRefusals refusals;
    private final ExecRecords recorded;
    private final Map<String, ExecProcess> running = new ConcurrentHashMap<>();

    /**
     * @param waiters runs each started exec's wait for its end (one task per exec, as long as it
     *                runs): the caller owns the threads
     */
    public ContainerExecs(CommandGateway commands, ContainerRuntime runtime, VisibleContainers visible,
                          AccessControl access, Executor waiters) {
        this(commands, runtime, visible, access, waiters, ExecLimits.DEFAULTS,
                new LimitRefusals(e -> { }, Runnable::run, Clock.systemUTC(), LimitRefusals.WINDOW), Clock.systemUTC(),
                ExecRecords.NONE);
    }

    /**
     * @param limits   how many sessions a user holds and how long finished ones are kept
     * @param refusals records a create refused over {@link ExecLimits#perUser}
     * @param recorded the execs as the log has them, for those the daemon holds no session of
     */
    public ContainerExecs(CommandGateway commands, ContainerRuntime runtime, VisibleContainers visible,
                          AccessControl access, Executor waiters, ExecLimits limits, LimitRefusals refusals, Clock clock,
                          ExecRecords recorded) {
        this.commands = commands;
        this.runtime = runtime;
        this.visible = visible;
        this.access = access;
        this.waiters = waiters;
        this.sessions = new ExecSessions(limits, clock);
        this.refusals = refusals;
        this.recorded = recorded;
    }

    /**
     * Prepares an exec in a running container; returns its id. Nothing runs until it is started.
     * CONFLICT when the container is not running, INVALID without a command, LIMITED (recorded) when
     * a non-admin caller holds {@link ExecLimits#perUser} sessions not finished yet.
     */
    public String create(String ref, ExecSpec spec, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.exec");
        if (c.status() != ContainerStatus.RUNNING) {
            throw DomainException.conflict("container " + c.id() + " is not running");
        }
        if (c.paused()) {
            throw DomainException.conflict("Container " + c.id() + " is paused, unpause the container before exec");
        }
        if (spec.cmd().isEmpty()) {
            throw DomainException.invalid("No exec command specified");
        }
        String id = ContainerNaming.newId();
        if (!sessions.add(new ExecSession(id, c.id(), spec, false, null), owner(actor), !access.isAdmin(actor))) {
            int limit = sessions.limits().perUser();
            throw refusals.refuse(actor, "exec.create", "too many exec sessions of " + actor.user() + " at once: " + limit
                    + " created or running (the limit per user); start the ones created, or wait for one to finish");
        }
        return id;
    }

    /**
     * An exec session of a container this actor may see; NOT_FOUND (recorded) for anyone else's. One
     * the daemon holds no session of (started before a restart, or let go once finished) is answered
     * as the log has it, while its container exists (as dockerd, which forgets an exec with its
     * container); NOT_FOUND once the container is removed.
     */
    public ExecSession session(String execId, Actor actor) {
        Optional<ExecSession> held = sessions.find(execId);
        ExecSession s = held.or(() -> recorded.find(execId))
                .orElseThrow(() -> DomainException.notFound("No such exec instance: " + execId));
        ContainerView c = visible.find(s.containerId()).orElse(null);
        if (held.isEmpty() && c == null) {
            throw DomainException.notFound("No such exec instance: " + execId);
        }
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
            sessions.finished(new ExecSession(execId, s.containerId(), s.spec(), false, 126));
            throw e;
        }
        sessions.started(new ExecSession(execId, s.containerId(), s.spec(), true, null));
        running.put(execId, process);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            int code = process.waitFor();
            running.remove(execId);
            commands.sendAndWait(new RecordExecExit(s.containerId(), execId, code, Actor.daemon()));
            sessions.finished(new ExecSession(execId, s.containerId(), s.spec(), false, code));
            return code;
        }, waiters);
        return new RunningExec(process, exit);
    }

    private static String owner(Actor actor) {
        return actor.uid() >= 0 ? "uid " + actor.uid() : "user " + actor.user();
    }

    /** Sessions held now (for tests and diagnostics). */
    public int held() {
        return sessions.size();
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
