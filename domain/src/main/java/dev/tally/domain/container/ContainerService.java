package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.container.command.CreateContainer;
import dev.tally.domain.container.command.RecordExec;
import dev.tally.domain.container.command.RecordExecExit;
import dev.tally.domain.container.command.RecordExit;
import dev.tally.domain.container.command.RecordExitAndRemove;
import dev.tally.domain.container.command.RecordStartFailed;
import dev.tally.domain.container.command.RecordStarted;
import dev.tally.domain.container.command.RemoveContainer;
import dev.tally.domain.container.command.RequestKill;
import dev.tally.domain.container.command.RequestStart;
import dev.tally.domain.container.command.RequestStop;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.ImageReference;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.volume.VolumeService;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * The use cases on containers. Each one that touches the host stores its intent first, lets the
 * runtime act, then stores the outcome, so that a crash in between leaves a visible intent.
 */
public class ContainerService {

    private static final Pattern VALID_NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CommandGateway commands;
    private final ContainerRuntime runtime;
    private final ContainerQueries containers;
    private final ImageQueries images;
    private final VolumeService volumes;
    private final AccessControl access;
    private final HostLookup host;
    /** Names held by live containers: the set-based rule of unique names, owned by the command side. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** Orders a start's outcome before the exit of the same process, however fast it exits. */
    private final Map<String, ReentrantLock> lifecycles = new ConcurrentHashMap<>();
    /** Exec sessions live as long as the daemon, as Docker's do; what they ran is in the log. */
    private final Map<String, ExecSession> execs = new ConcurrentHashMap<>();
    private final Map<String, ExecProcess> runningExecs = new ConcurrentHashMap<>();

    public ContainerService(CommandGateway commands, ContainerRuntime runtime, ContainerQueries containers,
                            ImageQueries images, VolumeService volumes, AccessControl access, HostLookup host) {
        this.commands = commands;
        this.access = access;
        this.host = host;
        this.runtime = runtime;
        this.containers = containers;
        this.images = images;
        this.volumes = volumes;
        containers.list(true).forEach(c -> names.put(c.name(), c.id()));
        runtime.onExit(this::exited);
    }

    /**
     * Creates a container; returns its id. Options that amount to root on the host are for admins
     * (DENIED, recorded, before anything happens); host bind sources are recorded as their real
     * paths; a non-admin's container runs in a user namespace mapped to that user's subordinate ids.
     */
    public String create(String requestedName, ContainerConfig requested, Actor actor) {
        boolean admin = access.isAdmin(actor);
        if (!admin) {
            HostAccessChecks.firstRefusal(requested, access.policy(), host).ifPresent(r -> {
                throw access.deny(actor, "container.create", "container/" + (requestedName == null ? "" : requestedName),
                        r.message(), new DomainException(DomainException.Kind.DENIED, r.message()));
            });
        }
        ContainerConfig config = HostAccessChecks.withRealBindPaths(requested, host);
        ImageView image = images.find(config.image()).orElseThrow(() -> DomainException.notFound(
                "No such image: " + displayRef(config.image())));
        volumes.ensureFor(config, actor);
        String id = newId();
        String name = requestedName == null || requestedName.isBlank() ? generatedName(id) : requestedName;
        if (!VALID_NAME.matcher(name).matches()) {
            throw DomainException.invalid("Invalid container name (" + name
                    + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        name = name.startsWith("/") ? name.substring(1) : name;
        String holder = names.putIfAbsent(name, id);
        if (holder != null) {
            boolean known = containers.find(holder).map(h -> visibleTo(h, actor)).orElse(false);
            throw DomainException.conflict("Conflict. The container name \"/" + name
                    + "\" is already in use by " + (known ? "container \"" + holder + "\"" : "another user's container")
                    + ". You have to remove (or rename) that container to be able to reuse that name.");
        }
        try {
            runtime.create(id, config, image.id(), admin ? null : actor.user());
            commands.sendAndWait(new CreateContainer(id, name, config, image.id(), actor));
            return id;
        } catch (RuntimeException e) {
            names.remove(name, id);
            runtime.remove(id);
            throw e;
        }
    }

    public void start(String ref, Actor actor) {
        ContainerView c = require(ref, actor, "container.start");
        ReentrantLock lifecycle = lifecycle(c.id());
        lifecycle.lock();
        try {
            commands.sendAndWait(new RequestStart(c.id(), actor));
            long pid;
            try {
                pid = runtime.start(c.id());
            } catch (RuntimeException failure) {
                // Whatever went wrong is recorded and said: no container left STARTING, no bare error.
                DomainException e = failure instanceof DomainException d ? d
                        : new DomainException(DomainException.Kind.FAILED, "start container " + c.id() + ": " + failure, failure);
                commands.sendAndWait(new RecordStartFailed(c.id(), e.getMessage(), actor));
                if (c.config().autoRemove()) {
                    try {
                        remove(c.id(), true, Actor.daemon());
                    } catch (RuntimeException removal) {
                        // Why it did not start comes first; that it is still there, second.
                        throw new DomainException(e.kind(), e.getMessage() + "; removing the container failed too: "
                                + removal.getMessage(), e);
                    }
                }
                throw e;
            }
            commands.sendAndWait(new RecordStarted(c.id(), pid, actor));
        } finally {
            lifecycle.unlock();
        }
    }

    private ReentrantLock lifecycle(String id) {
        return lifecycles.computeIfAbsent(id, k -> new ReentrantLock());
    }

    /** Sends the signal, then SIGKILL after the timeout; returns once the container has exited. */
    public void stop(String ref, String signal, int timeoutSeconds, Actor actor) {
        ContainerView c = require(ref, actor, "container.stop");
        String sig = signal == null || signal.isBlank() ? "TERM" : signal;
        int timeout = timeoutSeconds < 0 ? 10 : timeoutSeconds;
        commands.sendAndWait(new RequestStop(c.id(), sig, timeout, actor));
        runtime.kill(c.id(), sig);
        if (!awaitExit(c.id(), timeout)) {
            runtime.kill(c.id(), "KILL");
            awaitExit(c.id(), 30);
        }
    }

    public void kill(String ref, String signal, Actor actor) {
        ContainerView c = require(ref, actor, "container.kill");
        String sig = signal == null || signal.isBlank() ? "KILL" : signal;
        commands.sendAndWait(new RequestKill(c.id(), sig, actor));
        runtime.kill(c.id(), sig);
    }

    public void remove(String ref, boolean force, Actor actor) {
        ContainerView c = require(ref, actor, "container.remove");
        if (force && c.status() == ContainerStatus.RUNNING) {
            commands.sendAndWait(new RequestKill(c.id(), "KILL", actor));
            runtime.kill(c.id(), "KILL");
            awaitExit(c.id(), 30);
        }
        commands.sendAndWait(new RemoveContainer(c.id(), force, actor));
        names.remove(c.name(), c.id()); // removed in the log: the name is free, whatever the host still does
        runtime.remove(c.id());
        lifecycles.remove(c.id());
    }

    /** Records an exit the host reported; removes the container if it asked for that. */
    public void exited(String id, ContainerRuntime.Exit exit) {
        Optional<ContainerView> known = containers.find(id);
        if (known.isEmpty()) {
            return; // removed already (rm -f records the exit itself); its monitor reports late
        }
        ReentrantLock lifecycle = lifecycle(id);
        lifecycle.lock();
        try {
            if (known.get().config().autoRemove()) {
                // exit and removal in one commit; the host side is released after the removal is
                // stored: a client waiting for the removal (run --rm) need not wait for runc's clean-up
                boolean removed = commands.sendAndWait(new RecordExitAndRemove(id, exit.code(), exit.at(),
                        Actor.daemon()));
                if (removed) {
                    names.remove(known.get().name(), id);
                    runtime.remove(id);
                    lifecycles.remove(id);
                    return;
                }
            } else {
                commands.sendAndWait(new RecordExit(id, exit.code(), exit.at(), Actor.daemon()));
            }
            runtime.release(id);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Brings the log in line with the host after the daemon was down: exits that happened meanwhile
     * are recorded with their real code and time, starts that never finished are recorded as failed,
     * running containers are adopted.
     */
    public void reconcile() {
        java.util.Set<String> known = new java.util.HashSet<>();
        for (ContainerView c : containers.list(true)) {
            known.add(c.id());
        }
        for (String id : runtime.hostIds()) {
            if (!known.contains(id)) {
                // A crash between preparing the bundle and storing ContainerCreated: nobody was told
                // this container exists, so it goes.
                runtime.kill(id, "KILL");
                runtime.remove(id);
            }
        }
        for (ContainerView c : containers.list(true)) {
            if (c.status() == ContainerStatus.EXITED && c.config().autoRemove()) {
                remove(c.id(), true, Actor.daemon());
                continue;
            }
            if (c.status() != ContainerStatus.RUNNING && c.status() != ContainerStatus.STARTING) {
                runtime.release(c.id()); // a crash after an exit was recorded may have left its mount
                continue;
            }
            ContainerRuntime.HostState host = runtime.inspect(c.id());
            if (host.running()) {
                if (c.status() == ContainerStatus.STARTING) {
                    commands.sendAndWait(new RecordStarted(c.id(), host.pid(), Actor.daemon()));
                }
                continue;
            }
            if (c.status() == ContainerStatus.STARTING && host.exit().isEmpty()) {
                runtime.release(c.id());
                commands.sendAndWait(new RecordStartFailed(c.id(), "the daemon stopped while starting it",
                        Actor.daemon()));
                continue;
            }
            exited(c.id(), host.exit().orElse(new ContainerRuntime.Exit(255, Instant.now())));
        }
    }

    /** Prepares an exec in a running container; returns its id. Nothing runs until it is started. */
    public String createExec(String ref, ExecSpec spec, Actor actor) {
        ContainerView c = require(ref, actor, "container.exec");
        if (c.status() != ContainerStatus.RUNNING) {
            throw DomainException.conflict("container " + c.id() + " is not running");
        }
        if (spec.cmd().isEmpty()) {
            throw DomainException.invalid("No exec command specified");
        }
        String id = newId();
        execs.put(id, new ExecSession(id, c.id(), spec, false, null));
        return id;
    }

    /** An exec session of a container this actor may see; NOT_FOUND (recorded) for anyone else's. */
    public ExecSession execSession(String execId, Actor actor) {
        ExecSession s = execs.get(execId);
        if (s == null) {
            throw DomainException.notFound("No such exec instance: " + execId);
        }
        ContainerView c = containers.find(s.containerId()).orElse(null);
        if (c == null ? !access.isAdmin(actor) : !visibleTo(c, actor)) {
            throw access.deny(actor, "exec.inspect", "exec/" + execId, "not the owner of its container, and no grant",
                    DomainException.notFound("No such exec instance: " + execId));
        }
        return s;
    }

    /** Records who runs what, starts it, and records its exit when it ends. */
    public RunningExec startExec(String execId, Actor actor) {
        ExecSession s = execSession(execId, actor);
        if (s.running() || s.exitCode() != null) {
            throw DomainException.conflict("Exec command " + execId + " has already run");
        }
        commands.sendAndWait(new RecordExec(s.containerId(), execId, s.spec(), actor));
        ExecProcess process;
        try {
            process = runtime.exec(s.containerId(), s.spec());
        } catch (DomainException e) {
            commands.sendAndWait(new RecordExecExit(s.containerId(), execId, 126, Actor.daemon()));
            execs.put(execId, new ExecSession(execId, s.containerId(), s.spec(), false, 126));
            throw e;
        }
        execs.put(execId, new ExecSession(execId, s.containerId(), s.spec(), true, null));
        runningExecs.put(execId, process);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            int code = process.waitFor();
            runningExecs.remove(execId);
            commands.sendAndWait(new RecordExecExit(s.containerId(), execId, code, Actor.daemon()));
            execs.put(execId, new ExecSession(execId, s.containerId(), s.spec(), false, code));
            return code;
        }, EXEC_WAITERS);
        return new RunningExec(process, exit);
    }

    /** Resizes a running exec's TTY; nothing to do once it ended or without a TTY. */
    public void resizeExec(String execId, int height, int width, Actor actor) {
        execSession(execId, actor);
        ExecProcess process = runningExecs.get(execId);
        if (process != null) {
            process.resize(height, width);
        }
    }

    private static final java.util.concurrent.ExecutorService EXEC_WAITERS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "tally-exec-wait");
                t.setDaemon(true);
                return t;
            });

    /**
     * The container this reference names, if this actor may see it: an admin, its owner, or a user it
     * was granted to. Anyone else is told exactly what a missing container tells (NOT_FOUND, "No such
     * container"), and the refusal is recorded as an AccessDenied.
     *
     * @param action what was asked, for the record ({@code container.stop})
     */
    public ContainerView require(String ref, Actor actor, String action) {
        if (access.isAdmin(actor)) {
            return containers.find(ref).orElseThrow(() -> noSuchContainer(ref));
        }
        // Chosen among what this actor may see, so that someone else's container with the same name or
        // id prefix neither hides the actor's own nor tells them it exists.
        String key = ref.startsWith("/") ? ref.substring(1) : ref;
        List<ContainerView> candidates = containers.candidates(ref);
        List<ContainerView> visible = candidates.stream().filter(c -> visibleTo(c, actor)).toList();
        Optional<ContainerView> chosen = visible.stream().filter(c -> c.id().equals(key)).findFirst()
                .or(() -> visible.stream().filter(c -> c.name().equals(key)).findFirst())
                .or(() -> visible.size() == 1 ? Optional.of(visible.get(0)) : Optional.empty());
        if (chosen.isPresent()) {
            return chosen.get();
        }
        if (visible.isEmpty() && !candidates.isEmpty()) {
            throw access.deny(actor, action, "container/" + ref, "not the owner, and no grant", noSuchContainer(ref));
        }
        throw noSuchContainer(ref);
    }

    /** The containers this actor may see, newest first; only running ones unless {@code all}. */
    public java.util.List<ContainerView> list(boolean all, Actor actor) {
        java.util.List<ContainerView> views = containers.list(all);
        return access.isAdmin(actor) ? views : views.stream().filter(c -> visibleTo(c, actor)).toList();
    }

    /** Admins see every container; users those they created or were granted. */
    public boolean visibleTo(ContainerView c, Actor actor) {
        return access.isAdmin(actor) || sameUser(c.owner(), actor.uid(), actor.user())
                || c.grantees().stream().anyMatch(g -> g.uid() == actor.uid() && (g.uid() != -1 || g.user().equals(actor.user())));
    }

    /** The same host user: the same uid, or, for callers with no host uid (-1), the same name. */
    static boolean sameUser(Actor owner, int uid, String user) {
        return owner.uid() == uid && (uid != -1 || owner.user().equals(user));
    }

    AccessControl access() {
        return access;
    }

    HostLookup host() {
        return host;
    }

    private static DomainException noSuchContainer(String ref) {
        return DomainException.notFound("No such container: " + ref);
    }

    private boolean awaitExit(String id, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        var done = new java.util.concurrent.CompletableFuture<Void>();
        try (AutoCloseable sub = containers.subscribe(v -> {
            if (v.id().equals(id) && v.status() != ContainerStatus.RUNNING) {
                done.complete(null);
            }
        })) {
            if (containers.find(id).map(v -> v.status() != ContainerStatus.RUNNING).orElse(true)) {
                return true;
            }
            done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            throw new DomainException(DomainException.Kind.FAILED, "waiting for container " + id + " to exit", e);
        }
    }

    private static String displayRef(String ref) {
        try {
            return ImageReference.normalize(ref);
        } catch (DomainException e) {
            return ref;
        }
    }

    private static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static final String[] ADJECTIVES = {"brave", "calm", "eager", "keen", "quiet", "steady", "tidy", "wise"};
    private static final String[] NOUNS = {"auditor", "ledger", "tally", "scribe", "record", "witness", "clerk"};

    private static String generatedName(String id) {
        int a = Integer.parseInt(id.substring(0, 2), 16) % ADJECTIVES.length;
        int n = Integer.parseInt(id.substring(2, 4), 16) % NOUNS.length;
        return ADJECTIVES[a] + "_" + NOUNS[n] + "_" + id.substring(4, 8);
    }
}
