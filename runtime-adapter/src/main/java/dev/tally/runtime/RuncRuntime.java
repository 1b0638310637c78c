package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.StartFailures;
import dev.tally.domain.container.AttachStream;
import dev.tally.domain.container.ContainerRuntime;
import dev.tally.domain.container.ExecProcess;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.LogCursor;
import dev.tally.domain.image.ImageStore;
import dev.tally.runtime.image.LayeredImageStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Containers as runc runs them, each under its own conmon so that it outlives the daemon and its
 * exit code and output are kept. Layout per container: {@code containers/<id>/} holds
 * {@code config.json}, {@code rootfs} (the overlay mount point), {@code upper}, {@code work},
 * {@code ctr.log}; exit codes land in {@code exits/<id>}.
 */
public final class RuncRuntime implements ContainerRuntime {

    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Docker's own init, from Debian's tini package, and where Docker puts it in the container. */
    static final Path INIT = Path.of("/usr/bin/tini-static");
    static final String INIT_IN_CONTAINER = "/sbin/docker-init";

    private final Path dataRoot;
    private final Path containers;
    private final Path ownershipLayers;
    private final Path etc = Path.of("/etc");
    private final LocalVolumes volumes;
    private final Path exits;
    private final Path runcRoot;
    private final Path sockets;
    private final Path execLogs;
    private final LayeredImageStore images;
    private final String runc;
    private final String conmon;
    private final ObjectMapper json = new ObjectMapper();
    private final List<ExitListener> listeners = new CopyOnWriteArrayList<>();
    private final ExitWatcher watcher;
    private final DefaultSeccomp seccomp;
    private final java.util.Map<String, List<CompletableFuture<AttachStream>>> pendingAttaches = new java.util.HashMap<>();
    /** How long runc create under conmon may take before the start is given up and undone. */
    java.time.Duration monitorAnswerLimit = java.time.Duration.ofSeconds(60);
    /** conmon's {@code --log-size-max} for containers started from now on ({@link #LOG_SIZE_MAX}; smaller in tests). */
    long logSizeMax = LOG_SIZE_MAX;

    /** With Debian's seccomp profile, {@code /usr/share/containers/seccomp.json}. */
    public RuncRuntime(Path dataRoot, Path runRoot, LayeredImageStore images, String runc, String conmon) {
        this(dataRoot, runRoot, images, runc, conmon, DefaultSeccomp.DEBIAN_PROFILE);
    }

    /** @param seccompProfile the seccomp profile (Docker's format) of every container not unconfined */
    public RuncRuntime(Path dataRoot, Path runRoot, LayeredImageStore images, String runc, String conmon,
                       Path seccompProfile) {
        this.dataRoot = dataRoot;
        this.seccomp = new DefaultSeccomp(seccompProfile);
        this.containers = dataRoot.resolve("containers");
        this.ownershipLayers = dataRoot.resolve("remap");
        this.volumes = new LocalVolumes(dataRoot);
        this.exits = dataRoot.resolve("exits");
        this.runcRoot = runRoot.resolve("runc");
        this.sockets = runRoot.resolve("sockets");
        this.execLogs = runRoot.resolve("exec-logs");
        this.images = images;
        this.runc = runc;
        this.conmon = conmon;
        DataRootAccess.close(dataRoot);
        try {
            for (Path p : List.of(runcRoot, sockets, execLogs)) {
                Files.setAttribute(Files.createDirectories(p), "unix:mode", 0700);
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "create runtime directories under " + dataRoot, e);
        }
        RemappedFiles.clearUnfinished(ownershipLayers, images.imageIds());
        images.removeWithEachImage(imageId -> RemappedFiles.removeOwnershipLayers(ownershipLayers, hex(imageId)));
        volumes.undoUnfinishedCopies();
        BindSources.unstageAll(containers);
        this.watcher = new ExitWatcher(exits, this::pidFile, this::reported);
    }

    /**
     * An exit the watcher read, passed on unless the host says the container's process runs: an exit
     * file written while it runs (left, put back) is no end of it. The host asked as the reconciler asks
     * it ({@link #inspect}, the process before the exit file); when it cannot say, the exit is passed on.
     */
    private void reported(String id, Exit exit) {
        try {
            HostState now = inspect(id);
            if (now.running()) {
                System.err.println("tallyd: container " + id + ": an exit (" + exit.code() + ", pid " + exit.pid()
                        + ") was reported while its process runs (pid " + now.pid() + "): not passed on");
                return;
            }
        } catch (DomainException e) {
            // the host cannot say now: the exit goes on to be judged by the log
        }
        listeners.forEach(l -> l.exited(id, exit));
    }

    /** What create needs that it may refuse, found by reading only. */
    private record Plan(ImageStore.StoredImage image, List<String> args, ImageUser user, IdRemap remap) {
    }

    private Plan plan(ContainerConfig config, String imageId, String remapUser) {
        ImageStore.StoredImage image = images.get(imageId);
        List<String> args = command(config, image.config());
        ImageUser user = user(config.user(), imageId);
        IdRemap remap = remapUser == null ? null : remapFor(remapUser, config, user);
        for (ContainerConfig.Mount m : config.mounts()) {
            if (!m.target().startsWith("/")) {
                throw DomainException.invalid("invalid mount config: mount path must be absolute: " + m.target());
            }
        }
        return new Plan(image, args, user, remap);
    }

    @Override
    public void validate(ContainerConfig config, String imageId, String remapUser) {
        plan(config, imageId, remapUser);
    }

    /** config.json is written last: a bundle that has it is whole. */
    @Override
    public boolean prepared(String id) {
        return Files.isRegularFile(containers.resolve(id).resolve("config.json"), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void create(String id, ContainerConfig config, String imageId, String remapUser) {
        Plan plan = plan(config, imageId, remapUser);
        ImageStore.StoredImage image = plan.image();
        List<String> args = plan.args();
        Path dir = containers.resolve(id);
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(dir.resolve("rootfs"));
            Files.createDirectories(dir.resolve("upper"));
            Files.createDirectories(dir.resolve("work"));
            Files.writeString(dir.resolve("image"), imageId);
            if (config.openStdin()) {
                Files.writeString(dir.resolve("stdin"), "open");
            }
            ImageUser user = plan.user();
            IdRemap remap = plan.remap();
            DataRootAccess.bundle(dir, remap);
            OciSpec spec = new OciSpec()
                    .withArgs(args)
                    .withEnv(env(config, image.config(), id))
                    .withCwd(config.workingDir().isEmpty()
                            ? (image.config().workingDir().isEmpty() ? "/" : image.config().workingDir())
                            : config.workingDir())
                    .withUser(user.uid(), user.gid())
                    .withTerminal(config.tty())
                    .withHostname(config.hostname().isEmpty() ? id.substring(0, 12) : config.hostname())
                    .withNetwork(config.networkMode())
                    .withCgroupsPath(CgroupHierarchy.containerPath(id))
                    .withMemoryLimit(config.limits().memoryBytes())
                    .withMemorySwap(config.limits().memorySwapBytes())
                    .withNanoCpus(config.limits().nanoCpus())
                    .withCpuShares(config.limits().cpuShares())
                    .withCpuset(config.limits().cpusetCpus(), config.limits().cpusetMems())
                    .withPidsLimit(config.limits().pidsLimit())
                    .withAdditionalGids(groupIds(user, config.setup().groupAdd(), imageId, remap))
                    .withShmSize(config.setup().shmSizeBytes());
            CpuSets.requireAvailable(config.limits().cpusetCpus(), config.limits().cpusetMems());
            if (ownCgroupNamespace(config.setup().cgroupnsMode(), remap)) {
                spec.withCgroupNamespace();
            }
            if (config.setup().init()) {
                if (!Files.isRegularFile(INIT)) {
                    throw new DomainException(DomainException.Kind.FAILED, "--init needs " + INIT
                            + " on the host (Debian's package tini)");
                }
                spec.withInit(INIT.toString(), INIT_IN_CONTAINER);
            }
            NameFiles.apply(config.setup(), dir, etc.resolve("resolv.conf"), spec);
            if (remap == null) {
                HostAccessOptions.apply(config.hostAccess(), spec);
            } else {
                spec.withUserNamespace(remap);
            }
            HardeningOptions.apply(config, remap == null ? config.hostAccess().capAdd() : List.of(), spec);
            int binds = 0;
            for (ContainerConfig.Mount m : config.mounts()) {
                if (!m.target().startsWith("/")) {
                    throw DomainException.invalid("invalid mount config: mount path must be absolute: " + m.target());
                }
                if (m.isVolume()) {
                    // volumes/ is root's alone: no user can change the path to a volume's data. Made by the
                    // volume's create, never here: one missing was removed after this create found it (an
                    // rm -v of the container it was made for), and made again it would be a volume of no record
                    Path data = volumes.dataDir(m.source());
                    if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
                        throw DomainException.notFound("get " + m.source() + ": no such volume (it was removed while "
                                + "this container was created)");
                    }
                    spec.withBind(data.toString(), m.target(), m.readOnly());
                    continue;
                }
                BindSources.prepare(m.source());
                Files.writeString(dir.resolve(BindSources.LIST), m.source() + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                spec.withBind(BindSources.staging(dir, binds++).toString(), m.target(), m.readOnly());
            }
            TmpfsMounts.apply(config.tmpfs(), spec);
            if (remap != null) {
                prepareRemapped(dir, config, imageId, remap);
            }
            List<ContainerConfig.Mount> copying = config.copyingMounts();
            if (!copying.isEmpty()) {
                copyImageContent(dir, copying);
            }
            json.writeValue(dir.resolve("config.json").toFile(), spec.toMap());
        } catch (IOException e) {
            remove(id);
            throw DomainException.failed("write bundle for " + id, e);
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
    }

    @Override
    public long start(String id) {
        Path dir = containers.resolve(id);
        if (!Files.exists(dir.resolve("config.json"))) {
            throw DomainException.notFound("No such container: " + id);
        }
        try {
            // the exit file first, then the pid file: an exit file that is there names its run's pid (ExitWatcher.read)
            Files.deleteIfExists(exits.resolve(id));
            Files.deleteIfExists(pidFile(id));
            Path rootfs = dir.resolve("rootfs");
            if (Mounts.mountedBelow(rootfs).isEmpty()) {
                mountRootfs(dir);
            }
            JsonNode spec = withSeccomp(dir, json.readTree(dir.resolve("config.json").toFile()));
            if (BindSources.pointAtStaging(dir, spec)) {
                json.writeValue(dir.resolve("config.json").toFile(), spec);
            }
            long pid;
            BindSources.stage(dir);
            try {
                pid = launchMonitor(id, dir, spec);
            } finally {
                BindSources.unstage(dir);
            }
            if (hasOwnNetwork(spec)) {
                Loopback.up(pid);
            }
            connectPendingAttaches(id);
            HaltPoints.reach(HaltPoints.START_CREATED);
            Path fifo = ExecFifo.of(runcRoot.resolve(id));
            if (Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)) {
                ExecFifo.release(fifo, pid, monitorAnswerLimit);
                return pid;
            }
            HostCommand started = HostCommand.run(List.of(runc, "--root", runcRoot.toString(), "start", id));
            if (!started.ok()) {
                String said = HostCommand.runcMessage(started.stderr());
                throw new DomainException(DomainException.Kind.FAILED, "runc start " + id + " failed: "
                        + (said.isEmpty() ? "exit " + started.exitCode() + " without a message" : said));
            }
            return pid;
        } catch (IOException e) {
            release(id);
            throw new DomainException(DomainException.Kind.FAILED, "start " + id + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(id);
            throw e;
        }
    }

    /**
     * The spec under the default seccomp profile as it is now, for the container's bounding
     * capabilities, or under none if an admin asked so at create; {@code config.json} is replaced
     * (atomically) only when that changes. Done at every start, as Docker makes its spec at every
     * start: a container made before the profile changed, or before tally applied one, starts
     * under the current one. FAILED when the profile cannot be loaded (see {@link DefaultSeccomp}).
     */
    private JsonNode withSeccomp(Path dir, JsonNode spec) throws IOException {
        if (!(spec.path("linux") instanceof ObjectNode linux)) {
            throw new DomainException(DomainException.Kind.FAILED, "config.json of " + dir.getFileName() + " has no linux section");
        }
        JsonNode was = linux.get("seccomp");
        JsonNode now = null;
        if (!HostAccessOptions.UNCONFINED.equals(spec.path("annotations").path(HostAccessOptions.SECCOMP_ANNOTATION).asText())) {
            List<String> caps = new ArrayList<>();
            spec.path("process").path("capabilities").path("bounding").forEach(c -> caps.add(c.asText()));
            now = seccomp.forContainer(caps);
        }
        if (java.util.Objects.equals(was, now)) {
            return spec;
        }
        if (now == null) {
            linux.remove("seccomp");
        } else {
            linux.set("seccomp", now);
        }
        Path written = dir.resolve("config.json.new");
        json.writeValue(written.toFile(), spec);
        Files.move(written, dir.resolve("config.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return spec;
    }

    /** Files a remapped container's root must reach or own; the range kept for its starts. */
    private void prepareRemapped(Path dir, ContainerConfig config, String imageId, IdRemap remap) throws IOException {
        RemappedFiles.requireReachable(dataRoot);
        RemappedFiles.ownUpper(dir.resolve("upper"), dir.resolve("work"), remap);
        RemappedFiles.ownershipLayer(ownershipLayers, hex(imageId), images.layerDirs(imageId), remap);
        for (ContainerConfig.Mount m : config.mounts()) {
            if (m.isVolume()) {
                RemappedFiles.claimFreshVolume(volumes.dataDir(m.source()), remap);
            }
        }
        Files.writeString(dir.resolve("remap"), remap.asLine());
    }

    /**
     * dockerd's populateVolumes, at create: each volume that copies ({@link ContainerConfig#copyingMounts})
     * and is empty gets what the image holds at its mount path ({@link ImageContentCopy}), read from the
     * container's own root filesystem, mounted for this and unmounted after: for a remapped container
     * that view has its ownership layer, so the copy's owners are in its range, as it sees them. Part of
     * the bundle's making (config.json comes after): a create cut short here is undone at start as any
     * other, and the volume's unfinished copy with it ({@link LocalVolumes#fillIfEmpty}).
     */
    private void copyImageContent(Path dir, List<ContainerConfig.Mount> copying) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        mountRootfs(dir);
        try (InRoot root = InRoot.open(rootfs)) {
            for (ContainerConfig.Mount m : copying) {
                volumes.fillIfEmpty(m.source(), data -> ImageContentCopy.copy(root, m.target(), data,
                        () -> HaltPoints.reach(HaltPoints.COPY_UP)));
            }
        } finally {
            Mounts.unmountAllBelow(rootfs);
        }
    }

    /** The image's layers under the container's own; for a remapped one, its ownership layer between. */
    private void mountRootfs(Path dir) throws IOException {
        String imageId = Files.readString(dir.resolve("image")).strip();
        List<Path> lower = new ArrayList<>(images.layerDirs(imageId));
        Path remapFile = dir.resolve("remap");
        if (!Files.exists(remapFile)) {
            Mounts.overlay(lower, dir.resolve("upper"), dir.resolve("work"), dir.resolve("rootfs"));
            return;
        }
        IdRemap remap = IdRemap.fromLine(Files.readString(remapFile));
        lower.add(0, RemappedFiles.ownershipLayer(ownershipLayers, hex(imageId), images.layerDirs(imageId), remap));
        Mounts.overlay(lower, dir.resolve("upper"), dir.resolve("work"), dir.resolve("rootfs"), RemappedFiles.METACOPY);
    }

    /**
     * The remap user's ranges. Host access is refused with a user namespace: it is for admins, who
     * run in the host's, and inside one it would either do nothing (devices, privileged) or undo
     * the namespace's point (the host's pids); the host's network cannot mount a sysfs from there.
     */
    private IdRemap remapFor(String remapUser, ContainerConfig config, ImageUser user) {
        if (config.hostAccess().any()) {
            throw DomainException.invalid("--privileged, --cap-add, --device, --device-cgroup-rule, --security-opt and --pid host"
                    + " are not available in a user namespace (container of " + remapUser + ")");
        }
        if (config.networkMode().equals("host")) {
            throw DomainException.invalid("--network host is not available in a user namespace (container of "
                    + remapUser + ")");
        }
        IdRemap remap = IdRemap.forUser(remapUser, etc);
        if (user.uid() >= remap.size() || user.gid() >= remap.size()) {
            throw DomainException.invalid("user " + user.uid() + ":" + user.gid() + " is outside the " + remap.size()
                    + " ids of a remapped container");
        }
        return remap;
    }

    private static String hex(String imageId) {
        return imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
    }

    private static boolean hasOwnNetwork(JsonNode spec) {
        for (JsonNode ns : spec.path("linux").path("namespaces")) {
            if (ns.path("type").asText().equals("network") && ns.path("path").isMissingNode()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts conmon, which runs {@code runc create} and answers with the container's pid or runc's
     * error. No answer means conmon is gone (see {@link ConmonLaunch}): a container runc may have
     * made is then unwatched, so the start fails and the caller's release removes it.
     */
    private long launchMonitor(String id, Path dir, JsonNode spec) throws IOException {
        Files.deleteIfExists(dir.resolve("runc.log"));
        ConmonLaunch launch = ConmonLaunch.start("conmon for " + id, monitorCommand(id, dir, spec),
                dir.resolve("conmon.err"), dir.resolve("conmon.pid"));
        Optional<String> answer;
        try {
            answer = launch.answer(monitorAnswerLimit);
        } catch (DomainException e) {
            throw new DomainException(e.kind(), e.getMessage() + leftCgroups(spec), e);
        }
        if (answer.isEmpty()) {
            throw new DomainException(DomainException.Kind.FAILED, "conmon for " + id
                    + " ended without reporting the container" + lastWords(dir) + leftCgroups(spec));
        }
        JsonNode sync = json.readTree(answer.get());
        long pid = sync.path("data").asLong(-1);
        if (pid <= 0) {
            String message = "failed to create the container: " + HostCommand.runcMessage(sync.path("message").asText(""));
            // As dockerd: a command that is not there or cannot run is the request's fault (400).
            throw new DomainException(StartFailures.isTheCommand(message) ? DomainException.Kind.INVALID
                    : DomainException.Kind.FAILED, message);
        }
        return pid;
    }

    /**
     * The largest a container's log grows (conmon's {@code --log-size-max}): 64 MiB. Past it, conmon
     * starts the file afresh, so the oldest output is gone (one file, no rotated copies kept); a
     * follower reads the old file to its end first ({@link K8sLogCursor}).
     */
    static final long LOG_SIZE_MAX = 64L << 20;

    /** conmon with its runc: the container's pid file, conmon's own, exit file, log, attach socket. */
    List<String> monitorCommand(String id, Path dir, JsonNode spec) {
        List<String> argv = new ArrayList<>(List.of(conmon, "--api-version", "1", "-c", id, "-u", id,
                "-r", runc, "--runtime-arg", "--root", "--runtime-arg", runcRoot.toString(),
                "--runtime-arg", "--log", "--runtime-arg", dir.resolve("runc.log").toString(),
                "-b", dir.toString(), "-p", pidFile(id).toString(),
                "-P", dir.resolve("conmon.pid").toString(), "-n", id, "--exit-dir", exits.toString(),
                "-l", "k8s-file:" + dir.resolve("ctr.log"), "--log-size-max", Long.toString(logSizeMax),
                "--socket-dir-path", sockets.toString(), "--log-level", "error"));
        if (spec.path("process").path("terminal").asBoolean()) {
            argv.add("-t");
        }
        if (Files.exists(dir.resolve("stdin"))) {
            argv.add("-i");
        }
        return argv;
    }

    /**
     * Removes the cgroups of a create that conmon did not see through (a killed runc leaves them
     * with no state to delete them by); the caller's release deletes what runc state remains.
     */
    private static String leftCgroups(JsonNode spec) {
        List<String> left = CgroupLeftovers.remove(spec.path("linux").path("cgroupsPath").asText(""),
                java.time.Duration.ofSeconds(5));
        return left.isEmpty() ? "" : "; could not remove cgroups " + String.join(", ", left);
    }

    /** What conmon said before it daemonized and what runc logged, for an error: ": …" or nothing. */
    private static String lastWords(Path dir) throws IOException {
        List<String> said = new ArrayList<>();
        Path conmonErr = dir.resolve("conmon.err");
        if (Files.exists(conmonErr) && !Files.readString(conmonErr).isBlank()) {
            said.add("conmon: " + Files.readString(conmonErr).strip());
        }
        Path runcLog = dir.resolve("runc.log");
        if (Files.exists(runcLog) && !Files.readString(runcLog).isBlank()) {
            said.add("runc: " + HostCommand.runcMessage(Files.readString(runcLog)));
        }
        return said.isEmpty() ? "" : ": " + String.join("; ", said);
    }

    @Override
    public void kill(String id, String signal) {
        // by number: runc knows the names HUP to SYS only, not dockerd's real-time ones (RTMIN+3, a
        // systemd image's STOPSIGNAL) or its aliases (CLD, IOT, POLL); what is no signal goes as given
        java.util.OptionalInt number = dev.tally.domain.container.Signals.number(signal);
        String sig = number.isPresent() ? Integer.toString(number.getAsInt())
                : signal.toUpperCase().startsWith("SIG") ? signal.substring(3).toUpperCase() : signal.toUpperCase();
        HostCommand r = HostCommand.run(List.of(runc, "--root", runcRoot.toString(), "kill", id, sig));
        if (!r.ok()) {
            String msg = HostCommand.runcMessage(r.stderr());
            if (msg.contains("invalid signal") || msg.contains("unknown signal")) {
                throw DomainException.invalid("Invalid signal: " + signal);
            }
            if (!msg.contains("not running") && !msg.contains("does not exist")) {
                throw new DomainException(DomainException.Kind.FAILED, "kill " + id + ": " + msg);
            }
            return;
        }
        // As dockerd: a paused container is thawed after the signal, so that the signal arrives. A
        // container the signal already ended (runc: "stopped", "not running") has nothing to thaw: that
        // is the signal's success, not a conflict (rm -f and stop raced it before: "is not running").
        try {
            processes().resume(id);
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.CONFLICT) {
                throw e;
            }
        }
    }

    /** pause, resume and top of this runtime's containers. */
    public dev.tally.domain.container.ContainerProcesses processes() {
        return new RuncProcesses(runc, runcRoot.toString(), "ps", containers);
    }

    /** The files of this runtime's containers' root filesystems (docker cp, diff, export). */
    public dev.tally.domain.container.ContainerFiles files() {
        return new RootfsFiles(containers, images, this::mountRootfs);
    }

    @Override
    public HostState inspect(String id) {
        // The process first, then its exit file, then its monitor: a process that ends between two of
        // these reads is seen either running, or ended with its exit, or ended with its exit pending.
        HostCommand r = HostCommand.run(List.of(runc, "--root", runcRoot.toString(), "state", id));
        boolean running = false;
        boolean frozen = false;
        long pid = 0;
        if (r.ok()) {
            try {
                JsonNode state = json.readTree(r.stdout());
                pid = state.path("pid").asLong();
                String status = state.path("status").asText();
                // a paused container runs, frozen: its process is there and will go on ("pausing":
                // its freezer is still freezing)
                frozen = status.equals("paused") || status.equals("pausing");
                running = (status.equals("running") || frozen) && alive(pid);
                frozen &= running;
                if (status.equals("created") && alive(pid)) {
                    if (!ExecFifo.initWentOn(pid, runc)) {
                        // never started: its program has not run, and will not unless the start is finished
                        return HostState.createdOnly(pid);
                    }
                    // A start whose daemon stopped after the init wrote its byte and before the FIFO was
                    // removed: the program runs. The FIFO goes, as runc start's last step, so that runc
                    // too says running (and pauses, execs in and kills it as any other).
                    ExecFifo.remove(ExecFifo.of(runcRoot.resolve(id)));
                    running = true;
                }
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.FAILED, "parse runc state of " + id + ": "
                        + e.getMessage(), e);
            }
        } else if (!HostCommand.runcMessage(r.stderr()).contains("does not exist")) {
            // runc could not say: nothing may be concluded, least of all that the process ended
            String said = HostCommand.runcMessage(r.stderr());
            throw new DomainException(DomainException.Kind.FAILED, "runc state " + id + " failed: "
                    + (said.isEmpty() ? "exit " + r.exitCode() + " without a message" : said));
        }
        if (running) {
            return new HostState(true, pid, Optional.empty(), false, frozen);
        }
        Optional<Exit> exit = ExitWatcher.read(exits.resolve(id), pidFile(id));
        return new HostState(false, pid, exit, exit.isEmpty() && monitorAlive(id));
    }

    /** runc's pid file of the container's process, written by each start's create (conmon's {@code -p}). */
    private Path pidFile(String id) {
        return containers.resolve(id).resolve("pidfile");
    }

    /** Whether the container's conmon still runs: it writes the exit file, then ends. */
    private boolean monitorAlive(String id) {
        return monitor(id).isPresent();
    }

    /** The container's conmon, while it runs. */
    private Optional<ProcessHandle> monitor(String id) {
        try {
            String pid = Files.readString(containers.resolve(id).resolve("conmon.pid")).strip();
            // a pid file outlives its process, and pids are reused: it must still be this container's conmon
            if (pid.isEmpty() || !alive(Long.parseLong(pid))
                    || !Files.readString(Path.of("/proc", pid, "comm")).strip().equals("conmon")) {
                return Optional.empty();
            }
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline")), StandardCharsets.UTF_8);
            return cmdline.contains("\0-c\0" + id + "\0") ? ProcessHandle.of(Long.parseLong(pid)) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * After runc ended the container's process: its conmon writes the exit and ends. One that has not
     * ended within {@link #MONITOR_END} (it never saw a process it could wait for) is killed.
     */
    private static void awaitEnd(ProcessHandle m) {
        try {
            m.onExit().get(MONITOR_END.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            m.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException e) {
            m.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            m.destroyForcibly();
        }
    }

    /** How long a monitor may take to end once runc ended its container's process. */
    static final java.time.Duration MONITOR_END = java.time.Duration.ofSeconds(10);

    /** Alive means neither gone nor a zombie waiting to be reaped. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void release(String id) {
        // found before runc's delete ends the process: a monitor looked for after it may be gone, its pid another's
        Optional<ProcessHandle> monitor = monitor(id);
        if (Files.exists(runcRoot.resolve(id))) {
            HostCommand.run(List.of(runc, "--root", runcRoot.toString(), "delete", "-f", id));
        }
        // before the exit file goes: the monitor of a process runc just ended writes one as it ends
        monitor.ifPresent(RuncRuntime::awaitEnd);
        Mounts.unmountAllBelow(containers.resolve(id));
        try {
            Files.deleteIfExists(exits.resolve(id));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "remove exit file of " + id, e);
        }
    }

    @Override
    public void remove(String id) {
        HaltPoints.reach(HaltPoints.REMOVE);
        release(id);
        endPendingAttaches(id);
        Trees.delete(containers.resolve(id), "container " + id);
    }

    /**
     * Connected at once when the container's conmon listens (it runs, or its start has created it
     * and its process waits to be let go), else at its next start, before its process runs. Whether
     * conmon listens is what decides, not whether runc says "running": a start that has connected
     * the waiting attaches and not yet let the process go shows "created" meanwhile, and an attach
     * made then waited for a start that had already gone by. A waiting attach that is cancelled (its
     * client went away) is forgotten at once, and the container's removal ends those still waiting:
     * none is kept for a start that may never come.
     */
    @Override
    public CompletableFuture<AttachStream> attach(String id) {
        CompletableFuture<AttachStream> f = new CompletableFuture<>();
        try {
            synchronized (pendingAttaches) {
                Optional<ConmonAttachSocket> now = ConmonAttachSocket.connectIfListening(attachSocket(id));
                if (now.isEmpty()) {
                    pendingAttaches.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
                    f.whenComplete((stream, error) -> {
                        if (f.isCancelled()) {
                            forgetAttach(id, f);
                        }
                    });
                    return f;
                }
                f.complete(now.get());
            }
        } catch (DomainException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    private Path attachSocket(String id) {
        return sockets.resolve(id).resolve("attach");
    }

    private void forgetAttach(String id, CompletableFuture<AttachStream> f) {
        synchronized (pendingAttaches) {
            List<CompletableFuture<AttachStream>> waiting = pendingAttaches.get(id);
            if (waiting != null && waiting.remove(f) && waiting.isEmpty()) {
                pendingAttaches.remove(id);
            }
        }
    }

    /** The attaches still waiting for a container that is removed end: it will never start. */
    private void endPendingAttaches(String id) {
        List<CompletableFuture<AttachStream>> waiting;
        synchronized (pendingAttaches) {
            waiting = pendingAttaches.remove(id);
        }
        if (waiting != null) {
            waiting.forEach(f -> f.completeExceptionally(DomainException.notFound("container " + id
                    + " was removed before it started")));
        }
    }

    private void connectPendingAttaches(String id) {
        List<CompletableFuture<AttachStream>> waiting;
        synchronized (pendingAttaches) {
            waiting = pendingAttaches.remove(id);
        }
        if (waiting == null) {
            return;
        }
        for (CompletableFuture<AttachStream> f : waiting) {
            if (f.isDone()) {
                continue; // its client went away meanwhile
            }
            try {
                AttachStream connected = ConmonAttachSocket.connect(attachSocket(id));
                if (!f.complete(connected)) {
                    connected.close(); // cancelled between the look and the connect: nobody would close it
                }
            } catch (DomainException e) {
                f.completeExceptionally(e);
            }
        }
    }


    @Override
    public void resize(String id, int height, int width) {
        Path ctl = containers.resolve(id).resolve("ctl");
        if (height <= 0 || width <= 0 || !Files.exists(ctl)) {
            return;
        }
        try {
            Files.writeString(ctl, "1 " + height + " " + width + "\n", java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "resize " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ExecProcess exec(String id, ExecSpec spec) {
        Path dir = containers.resolve(id);
        Path runcLog = execLogs.resolve(java.util.UUID.randomUUID() + ".json");
        List<String> argv = new ArrayList<>(List.of(runc, "--root", runcRoot.toString(),
                "--log", runcLog.toString(), "--log-format", "json", "exec"));
        if (spec.tty()) {
            argv.add("--tty");
        }
        if (!spec.workingDir().isEmpty()) {
            argv.addAll(List.of("--cwd", spec.workingDir()));
        }
        if (spec.tty() && spec.env().stream().noneMatch(kv -> kv.startsWith("TERM="))) {
            argv.addAll(List.of("--env", "TERM=xterm"));
        }
        for (String kv : spec.env()) {
            argv.addAll(List.of("--env", kv));
        }
        if (!spec.user().isEmpty()) {
            try {
                ImageUser user = user(spec.user(), Files.readString(dir.resolve("image")).strip());
                argv.addAll(List.of("--user", user.uid() + ":" + user.gid()));
                for (int gid : user.groups()) {
                    argv.addAll(List.of("--additional-gids", Integer.toString(gid)));
                }
            } catch (IOException e) {
                throw DomainException.notFound("No such container: " + id);
            }
        }
        argv.add(id);
        argv.addAll(spec.cmd());
        if (!spec.tty()) {
            try {
                Process process = new ProcessBuilder(argv).start();
                return new HostExecProcess(process, new RuncExecOutcome(process, runcLog));
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.FAILED, "exec in " + id + ": " + e.getMessage(), e);
            }
        }
        PseudoTerminal terminal = PseudoTerminal.open();
        try {
            terminal.resize(24, 80);
            Process process = new ProcessBuilder(onTerminal(terminal.slavePath(), argv)).start();
            return new TerminalExecProcess(process, terminal, new RuncExecOutcome(process, runcLog));
        } catch (IOException | RuntimeException e) {
            terminal.close();
            throw new DomainException(DomainException.Kind.FAILED, "exec in " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * The command run in a session of its own whose controlling terminal is the slave, on
     * stdin and stdout: runc's {@code exec --tty} relays a terminal it is given, and follows
     * its size on SIGWINCH. stderr stays a pipe, for runc's own messages.
     */
    private static List<String> onTerminal(String slavePath, List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("setsid", "-w", "/bin/sh", "-c",
                "exec \"$@\" <\"$0\" >\"$0\"", slavePath));
        wrapped.addAll(argv);
        return wrapped;
    }

    @Override
    public java.util.Set<String> hostIds() {
        try (Stream<Path> dirs = Files.list(containers)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{64}"))
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + containers + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onExit(ExitListener listener) {
        listeners.add(listener);
    }

    @Override
    public LogCursor openLog(String id) {
        return new K8sLogCursor(containers.resolve(id).resolve("ctr.log"));
    }

    /** Begins reporting exits; call once every listener is registered. */
    public void watchExits() {
        watcher.start();
    }

    /**
     * For a daemon's orderly stop, while its command bus still takes commands: reports no more exits,
     * and waits up to {@code grace} for those being recorded, with their host side's release or
     * removal. Exits it did not report are found by the next start's reconciliation.
     *
     * @return whether they all ended within {@code grace}
     */
    public boolean stopWatchingExits(java.time.Duration grace) {
        return watcher.stop(grace);
    }

    private static List<String> command(ContainerConfig config, ImageStore.ImageConfig image) {
        List<String> entrypoint = config.entrypoint().isEmpty() ? image.entrypoint() : config.entrypoint();
        List<String> cmd = !config.cmd().isEmpty() ? config.cmd()
                : (config.entrypoint().isEmpty() ? image.cmd() : List.of());
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        if (args.isEmpty()) {
            throw DomainException.invalid("no command specified");
        }
        return args;
    }

    private static List<String> env(ContainerConfig config, ImageStore.ImageConfig image, String id) {
        List<String> env = new ArrayList<>();
        env.add(DEFAULT_PATH);
        env.add("HOSTNAME=" + (config.hostname().isEmpty() ? id.substring(0, 12) : config.hostname()));
        if (config.tty()) {
            env.add("TERM=xterm");
        }
        for (List<String> source : List.of(image.env(), config.env())) {
            for (String kv : source) {
                String key = kv.contains("=") ? kv.substring(0, kv.indexOf('=') + 1) : kv + "=";
                env.removeIf(e -> e.startsWith(key));
                if (kv.contains("=")) {
                    env.add(kv);
                }
            }
        }
        return env;
    }

    /**
     * {@code --cgroupns}: private if asked, or by default where the hierarchy wants it (v2); the
     * host's if asked, except for a user's remapped container on v2, where the host's namespace would
     * show every container's cgroup (INVALID).
     */
    private static boolean ownCgroupNamespace(String mode, IdRemap remap) {
        boolean ownByDefault = CgroupHierarchy.host().ownNamespaceByDefault();
        if (mode.equals("host") && ownByDefault && remap != null) {
            throw DomainException.invalid("--cgroupns host is for tally admins on cgroup v2: it would show every"
                    + " container's cgroup");
        }
        return mode.equals("private") || mode.isEmpty() && ownByDefault;
    }

    /**
     * The supplementary groups: those the image's /etc/group gives the user, then {@code --group-add}'s
     * (ids, or names from the image's /etc/group); within a remapped container's ids.
     */
    private List<Integer> groupIds(ImageUser user, List<String> groups, String imageId, IdRemap remap) {
        List<Integer> ids = new ArrayList<>(user.groups());
        String groupFile = groups.isEmpty() ? "" : imageFile(imageId, "/etc/group");
        for (String group : groups) {
            ids.add(ImageUser.groupId(group, groupFile));
        }
        for (int gid : ids) {
            if (remap != null && gid >= remap.size()) {
                throw DomainException.invalid("group " + gid + " is outside the " + remap.size()
                        + " ids of a remapped container");
            }
        }
        return ids.stream().distinct().toList();
    }

    /** {@code uid[:gid]} or names from the image's /etc/passwd and /etc/group, read inside the image; empty means root. */
    private ImageUser user(String spec, String imageId) {
        return ImageUser.of(spec, imageFile(imageId, "/etc/passwd"), imageFile(imageId, "/etc/group"));
    }

    /** A text file of the image as a container of it sees it ({@link MergedLayers}); "" when it has none. */
    private String imageFile(String imageId, String path) {
        try (MergedLayers merged = new MergedLayers(images.layerDirs(imageId))) {
            return merged.read(path, 4 << 20).map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).orElse("");
        }
    }

}
