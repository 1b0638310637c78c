package dev.tally.domain.container;

import dev.tally.domain.DomainException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link ContainerRuntime} in memory, for tests: it passes {@code ContainerRuntimeContract} as the
 * runc runtime does. Its "processes" understand a few commands only: {@code true}, {@code false},
 * {@code sleep N} (runs until a signal), {@code echo ...} and {@code sh -c "exit N"} or
 * {@code sh -c "echo ..."}; any other executable is not found, in runc's words.
 * <p>
 * Like a container's monitor, it reports exits on a thread of its own once {@link #watchExits()} was
 * called; until then a test delivers them when it chooses, on its own thread, with {@link #reportExits()}.
 */
public final class FakeContainerRuntime implements ContainerRuntime {

    private final Map<String, Box> boxes = new HashMap<>();
    private final List<ExitListener> listeners = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Runnable> reports = new LinkedBlockingQueue<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Runnable> afterKills = new CopyOnWriteArrayList<>();
    private long nextPid = 1000;
    private String failNextCreate;
    private String reportDuringInspectOf;
    private final Map<String, String> failingInspects = new HashMap<>();
    private final Map<String, String> failingRemoves = new HashMap<>();
    private final Map<String, Integer> inspectFailuresLeft = new HashMap<>();

    /** One container's host side: its bundle, and its process while one runs. */
    private static final class Box {
        final ContainerConfig config;
        final String remapUser;
        final Set<String> ignoredSignals = new HashSet<>();
        final List<LogCursor.Line> log = new ArrayList<>();
        boolean running;
        long pid;
        Exit exit;
        boolean exitPending;
        boolean frozen;
        /** Created and never started: its process waits to be let go, its monitor alive. */
        boolean createdOnly;
        String failNextStart;

        Box(ContainerConfig config, String remapUser) {
            this.config = config;
            this.remapUser = remapUser;
        }
    }

    /** Starts reporting exits on a daemon thread of the fake's own, as a monitor does. */
    public void watchExits() {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    reports.take().run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fake-runtime-exits");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reports this exit again, on the caller's thread, as a monitor's report that comes late would
     * (after another reporter recorded it, and perhaps after the container started again).
     */
    public void reportAgain(String id, Exit exit) {
        listeners.forEach(l -> l.exited(id, exit));
    }

    /** Reports, on the caller's thread, every exit that happened and was not reported yet. */
    public void reportExits() {
        Runnable report;
        while ((report = reports.poll()) != null) {
            report.run();
        }
    }

    /** The process of this container ends with {@code code}, as if it had ended by itself. */
    public void exit(String id, int code) {
        synchronized (this) {
            Box b = box(id);
            if (!b.running) {
                throw new IllegalStateException(id + " is not running");
            }
            ended(id, b, code);
        }
    }

    /** The container's process will not end on this signal (as pid 1 without a handler). */
    public synchronized void ignore(String id, String signal) {
        box(id).ignoredSignals.add(signal);
    }

    /** The next start of this container fails with the runtime's {@code message} (FAILED). */
    public synchronized void failNextStart(String id, String message) {
        box(id).failNextStart = message;
    }

    /** The next create fails with the runtime's {@code message} (FAILED), leaving nothing behind. */
    public synchronized void failNextCreate(String message) {
        failNextCreate = message;
    }

    /**
     * The process of this container ends with {@code code}, and its monitor has not written the exit
     * yet: inspect says the exit is pending until the exit is reported ({@link #reportExits}).
     */
    public void exitPending(String id, int code) {
        synchronized (this) {
            Box b = box(id);
            if (!b.running) {
                throw new IllegalStateException(id + " is not running");
            }
            b.running = false;
            b.exitPending = true;
            Exit exit = new Exit(code, Instant.now(), b.pid);
            reports.add(() -> {
                synchronized (this) {
                    b.exitPending = false;
                    b.exit = exit;
                }
                listeners.forEach(l -> l.exited(id, exit));
            });
        }
    }

    /**
     * The exits not reported yet are reported while the host is asked about container {@code id}, as
     * a monitor may report while the daemon starts and looks at another container.
     */
    public synchronized void reportExitsWhileInspecting(String id) {
        reportDuringInspectOf = id;
    }

    /** Every inspect of this container fails with {@code message} (FAILED), as when runc cannot be run. */
    public synchronized void failInspect(String id, String message) {
        failInspect(id, message, Integer.MAX_VALUE);
    }

    /** The next {@code times} inspects of this container fail with {@code message} (FAILED); later ones answer. */
    public synchronized void failInspect(String id, String message, int times) {
        failingInspects.put(id, message);
        inspectFailuresLeft.put(id, times);
    }

    /** Inspects of this container answer again. */
    public synchronized void answerInspect(String id) {
        failingInspects.remove(id);
        inspectFailuresLeft.remove(id);
    }

    /** The container's process is gone and its monitor with it, leaving no exit code (as a reboot can). */
    /** Freezes or thaws the container behind the daemon's back (runc pause or resume while it was down). */
    public synchronized void freeze(String id, boolean frozen) {
        box(id).frozen = frozen;
    }

    public synchronized void vanish(String id) {
        Box b = box(id);
        b.running = false;
        b.exit = null;
        b.exitPending = false;
    }

    /**
     * The container is left as a daemon killed between the runtime's create and the start's release
     * leaves it: its process made and waiting to be let go (runc's "created"), its monitor alive. A
     * release kills that process, and its monitor then reports the kill's exit (137).
     */
    public synchronized void createdNeverStarted(String id) {
        Box b = box(id);
        b.running = false;
        b.exit = null;
        b.exitPending = false;
        b.createdOnly = true;
        b.pid = nextPid++;
    }

    /** Exits that happened are not reported: the daemon was down while they happened. */
    public void dropReports() {
        reports.clear();
    }

    /** What the runtime was asked, in order: {@code "kill <id> <signal>"}, {@code "remove <id>"}, … */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized boolean exists(String id) {
        return boxes.containsKey(id);
    }

    /** The user whose subordinate ids the container was created to run in; null for none. */
    public synchronized String remapUser(String id) {
        return box(id).remapUser;
    }

    /** A container as a crash can leave it: on the host, running, with nothing in the log. */
    public synchronized void leftRunning(String id, ContainerConfig config) {
        Box b = new Box(config, null);
        b.running = true;
        b.pid = nextPid++;
        boxes.put(id, b);
    }

    /** Refuses, as runc's does, a config that gives no command (the fake's image has none of its own). */
    @Override
    public void validate(ContainerConfig config, String imageId, String remapUser) {
        if (argv(config).isEmpty()) {
            throw DomainException.invalid("no command specified");
        }
    }

    @Override
    public synchronized boolean prepared(String id) {
        return boxes.containsKey(id);
    }

    @Override
    public synchronized void create(String id, ContainerConfig config, String imageId, String remapUser) {
        calls.add("create " + id);
        if (failNextCreate != null) {
            String message = failNextCreate;
            failNextCreate = null;
            throw new DomainException(DomainException.Kind.FAILED, message);
        }
        boxes.putIfAbsent(id, new Box(config, remapUser));
    }

    @Override
    public long start(String id) {
        synchronized (this) {
            calls.add("start " + id);
            Box b = boxes.get(id);
            if (b == null) {
                throw DomainException.notFound("No such container: " + id);
            }
            if (b.failNextStart != null) {
                String message = b.failNextStart;
                b.failNextStart = null;
                throw new DomainException(DomainException.Kind.FAILED, message);
            }
            List<String> argv = argv(b.config);
            String missing = missingExecutable(argv);
            if (missing != null) {
                String message = "failed to create the container: exec: \"" + missing
                        + "\": executable file not found in $PATH";
                throw new DomainException(DomainException.Kind.INVALID, message);
            }
            b.exit = null;
            b.running = true;
            b.pid = nextPid++;
            Integer code = run(argv, out -> b.log.add(new LogCursor.Line(1, Instant.now(), out)));
            if (code != null) {
                ended(id, b, code);
            }
            return b.pid;
        }
    }

    /**
     * Runs {@code step} after each signal is delivered, on the caller's thread, before kill returns: what
     * happens on the host meanwhile (a monitor that reports at once, another client's start).
     */
    public void afterEachKill(Runnable step) {
        afterKills.add(step);
    }

    @Override
    public void kill(String id, String signal) {
        signal(id, signal);
        afterKills.forEach(Runnable::run);
    }

    private void signal(String id, String signal) {
        synchronized (this) {
            calls.add("kill " + id + " " + signal);
            String name = signal.toUpperCase().startsWith("SIG") ? signal.substring(3).toUpperCase() : signal.toUpperCase();
            int number = Signals.number(signal).orElseThrow(() -> DomainException.invalid("Invalid signal: " + signal));
            Box b = boxes.get(id);
            if (b == null || !b.running || b.ignoredSignals.contains(name)) {
                return;
            }
            ended(id, b, 128 + number);
        }
    }

    @Override
    public synchronized HostState inspect(String id) {
        if (failingInspects.containsKey(id)) {
            String message = failingInspects.get(id);
            int left = inspectFailuresLeft.merge(id, -1, Integer::sum);
            if (left <= 0) {
                answerInspect(id);
            }
            throw new DomainException(DomainException.Kind.FAILED, message);
        }
        if (id.equals(reportDuringInspectOf)) {
            reportDuringInspectOf = null;
            reportExits();
        }
        Box b = boxes.get(id);
        if (b == null) {
            return HostState.gone();
        }
        if (b.createdOnly) {
            return HostState.createdOnly(b.pid);
        }
        return new HostState(b.running, b.running ? b.pid : 0, Optional.ofNullable(b.exit), b.exitPending,
                b.running && b.frozen);
    }

    @Override
    public synchronized void release(String id) {
        calls.add("release " + id);
        Box b = boxes.get(id);
        if (b != null && b.createdOnly) {
            b.createdOnly = false;
            Exit killed = new Exit(137, Instant.now(), b.pid);
            reports.add(() -> listeners.forEach(l -> l.exited(id, killed)));
            return;
        }
        if (b != null && !b.running) {
            b.exit = null;
        }
    }

    @Override
    public synchronized void remove(String id) {
        calls.add("remove " + id);
        if (failingRemoves.remove(id) != null) {
            throw new DomainException(DomainException.Kind.FAILED, "the fake runtime was told to fail removing " + id);
        }
        boxes.remove(id);
    }

    /** The next removal of this container fails (FAILED), leaving it as it is: as a daemon stopped right before it. */
    public synchronized void failNextRemove(String id) {
        failingRemoves.put(id, id);
    }

    @Override
    public CompletableFuture<AttachStream> attach(String id) {
        return CompletableFuture.failedFuture(new DomainException(DomainException.Kind.FAILED,
                "the fake runtime does not attach"));
    }

    @Override
    public void resize(String id, int height, int width) {
        // no terminals here
    }

    @Override
    public synchronized ExecProcess exec(String id, ExecSpec spec) {
        calls.add("exec " + id + " " + spec.cmd());
        Box b = boxes.get(id);
        if (b == null || !b.running) {
            throw new DomainException(DomainException.Kind.FAILED, "exec in " + id + ": container is not running");
        }
        String missing = missingExecutable(spec.cmd());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Integer code = missing != null ? Integer.valueOf(127) : run(spec.cmd(), out::writeBytes);
        String failure = missing == null ? null : "OCI runtime exec failed: exec failed: unable to start container "
                + "process: exec: \"" + missing + "\": executable file not found in $PATH: unknown";
        return new FinishedExec(out.toByteArray(), code == null ? 0 : code, failure);
    }

    @Override
    public synchronized Set<String> hostIds() {
        return Set.copyOf(boxes.keySet());
    }

    @Override
    public void onExit(ExitListener listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized LogCursor openLog(String id) {
        List<LogCursor.Line> log = boxes.containsKey(id) ? boxes.get(id).log : List.of();
        return new LogCursor() {
            private int read;

            @Override
            public List<Line> next() {
                synchronized (FakeContainerRuntime.this) {
                    List<Line> lines = List.copyOf(log.subList(read, log.size()));
                    read = log.size();
                    return lines;
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private Box box(String id) {
        Box b = boxes.get(id);
        if (b == null) {
            throw new IllegalStateException("no container " + id + " in the fake runtime");
        }
        return b;
    }

    /** The process ends now; its exit is reported later, once, as a monitor would. */
    private void ended(String id, Box b, int code) {
        Exit exit = new Exit(code, Instant.now(), b.pid);
        b.running = false;
        b.exit = exit;
        reports.add(() -> listeners.forEach(l -> l.exited(id, exit)));
    }

    private static List<String> argv(ContainerConfig config) {
        List<String> argv = new ArrayList<>(config.entrypoint());
        argv.addAll(config.cmd());
        return argv;
    }

    private static String missingExecutable(List<String> argv) {
        if (argv.isEmpty()) {
            return "";
        }
        return List.of("true", "false", "sleep", "echo", "sh").contains(argv.get(0)) ? null : argv.get(0);
    }

    /** Runs a command the fake knows: its exit code, or null while it keeps running. */
    private static Integer run(List<String> argv, java.util.function.Consumer<byte[]> stdout) {
        switch (argv.get(0)) {
            case "true":
                return 0;
            case "false":
                return 1;
            case "sleep":
                return null;
            case "echo":
                stdout.accept((String.join(" ", argv.subList(1, argv.size())) + "\n").getBytes(StandardCharsets.UTF_8));
                return 0;
            default: // sh -c SCRIPT
                String script = argv.size() > 2 && argv.get(1).equals("-c") ? argv.get(2).strip() : "";
                if (script.startsWith("exit ")) {
                    return Integer.parseInt(script.substring(5).strip());
                }
                if (script.startsWith("echo ")) {
                    return run(List.of("echo", script.substring(5)), stdout);
                }
                if (script.startsWith("sleep ")) {
                    return null;
                }
                throw new IllegalArgumentException("the fake runtime cannot run: " + argv);
        }
    }

    /** An exec that ran to its end as soon as it was started. */
    private record FinishedExec(byte[] out, int code, String failure) implements ExecProcess {

        @Override
        public InputStream stdout() {
            return new ByteArrayInputStream(out);
        }

        @Override
        public InputStream stderr() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public int waitFor() {
            return code;
        }

        @Override
        public Optional<String> startFailure() {
            return Optional.ofNullable(failure);
        }
    }
}
