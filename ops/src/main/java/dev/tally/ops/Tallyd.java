package dev.tally.ops;

import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.LimitRefusals;
import dev.tally.domain.audit.ChainAudit;
import dev.tally.domain.container.Container;
import dev.tally.domain.container.ContainerConsole;
import dev.tally.domain.container.ContainerCreation;
import dev.tally.domain.container.ContainerExecs;
import dev.tally.domain.container.ContainerGrants;
import dev.tally.domain.container.ContainerArchives;
import dev.tally.domain.container.ContainerLifecycle;
import dev.tally.domain.container.ContainerOperations;
import dev.tally.domain.container.ContainerNames;
import dev.tally.domain.container.ContainerPruning;
import dev.tally.domain.container.ContainerStats;
import dev.tally.domain.container.ContainerUpdates;
import dev.tally.domain.container.ContainerUseCases;
import dev.tally.domain.container.HostReconciliation;
import dev.tally.domain.container.LimitsReconciliation;
import dev.tally.domain.container.VisibleContainers;
import dev.tally.domain.host.LeftoverRemovals;
import dev.tally.domain.image.Image;
import dev.tally.domain.image.ImageArchiving;
import dev.tally.domain.image.ImageCommits;
import dev.tally.domain.image.ImageReconciliation;
import dev.tally.domain.image.ImageRemoval;
import dev.tally.domain.image.ImageDistribution;
import dev.tally.domain.image.ImageService;
import dev.tally.domain.volume.Volume;
import dev.tally.domain.volume.VolumePruning;
import dev.tally.domain.volume.AnonymousVolumes;
import dev.tally.domain.volume.VolumeReconciliation;
import dev.tally.domain.volume.VolumeService;
import dev.tally.projections.ContainerProjection;
import dev.tally.projections.ImageProjection;
import dev.tally.projections.ReadModels;
import dev.tally.projections.VolumeProjection;
import dev.tally.rest.AuditChainRoutes;
import dev.tally.rest.AuditRoutes;
import dev.tally.rest.ContainerStatsRoutes;
import dev.tally.rest.DistributionRoutes;
import dev.tally.rest.DockerApi;
import dev.tally.rest.EventRoutes;
import dev.tally.rest.GrantRoutes;
import dev.tally.rest.SystemRoutes;
import dev.tally.rest.CommitRoutes;
import dev.tally.rest.ImageArchiveRoutes;
import dev.tally.runtime.CgroupHierarchy;
import dev.tally.runtime.HostFileLookup;
import dev.tally.runtime.image.CommittedImages;
import dev.tally.runtime.image.DockerArchives;
import dev.tally.runtime.image.LayeredImageStore;
import dev.tally.runtime.image.StoredImageDetails;
import dev.tally.runtime.registry.RegistryClient;
import dev.tally.runtime.LocalVolumes;
import dev.tally.runtime.RuncResources;
import dev.tally.runtime.LeftoverMarkFiles;
import dev.tally.runtime.RuncRuntime;
import dev.tally.store.JdbcHeldNames;
import dev.tally.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;

/** The daemon: wires the store, Axon, the runtime and the API, reconciles with the host, serves. */
public final class Tallyd {

    static final String VERSION = "0.1.0";
    /** Each started exec waits for its end on one of these, as long as it runs. */
    private static final ExecutorService EXEC_WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-exec-wait");
        t.setDaemon(true);
        return t;
    });
    /** What follows a stop's wait (the SIGKILL after its timeout, a restart's start): brief host steps. */
    private static final ExecutorService EXIT_STEPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-exit-step");
        t.setDaemon(true);
        return t;
    });

    /** Layer fetches and uploads of pulls and pushes (a few per transfer at once). */
    private static final ExecutorService TRANSFERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-transfer");
        t.setDaemon(true);
        return t;
    });

    /** Records refusals over a limit (never on an event loop) and, every second, what was counted of them. */
    private static final java.util.concurrent.ScheduledExecutorService REFUSALS =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tally-refusals");
                t.setDaemon(true);
                return t;
            });

    private final DaemonOptions options;
    private final AccessPolicy policy;
    private Store store;
    private Configuration axon;
    private Vertx vertx;
    private DockerApi api;
    private RuncRuntime runtime;
    /** How long a stop waits for the requests under way (a stop's wait for its container included). */
    static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(30);
    /** How long a stop waits for the exits being recorded, with their containers' release or removal. */
    static final java.time.Duration EXITS_GRACE = java.time.Duration.ofSeconds(10);

    Tallyd(DaemonOptions options, AccessPolicy policy) {
        this.options = options;
        this.policy = policy;
    }

    public static void main(String[] args) {
        DaemonOptions options;
        AccessPolicy policy;
        try {
            options = DaemonOptions.parse(args);
            policy = PolicyFile.load(options.policy());
        } catch (IllegalArgumentException e) {
            System.err.println("tallyd: " + e.getMessage());
            System.exit(2);
            return;
        }
        Tallyd daemon = new Tallyd(options, policy);
        try {
            daemon.start();
        } catch (Exception e) {
            System.err.println("tallyd: cannot start: " + e.getMessage());
            if (System.getenv("TALLY_DEBUG") != null) {
                e.printStackTrace();
            }
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "tallyd-shutdown"));
    }

    void start() throws Exception {
        ServerTls tls = TcpListeners.loadTls(options);
        Path dataRoot = options.dataRoot();
        Files.createDirectories(dataRoot.resolve("events"));
        Files.setPosixFilePermissions(dataRoot.resolve("events"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(options.execRoot());

        store = Store.open(options.store());
        ReadModels readModels = new ReadModels(store, "jdbc:h2:mem:");
        ContainerProjection containerViews = readModels.containers();
        ImageProjection imageViews = readModels.images();
        VolumeProjection volumeViews = readModels.volumes();

        Configurer configurer = DefaultConfigurer.defaultConfiguration()
                .configureTransactionManager(c -> store.transactions())
                .configureSerializer(c -> store.serializer())
                .configureEventSerializer(c -> store.serializer())
                .configureEmbeddedEventStore(c -> store.engine())
                .configureAggregate(Container.class)
                .configureAggregate(Image.class)
                .configureAggregate(Volume.class);
        ContainerNames names = new ContainerNames(JdbcHeldNames.open(store));
        configurer.eventProcessing(ep -> {
            ep.usingSubscribingEventProcessors();
            readModels.eventHandlers().forEach(handler -> ep.registerEventHandler(c -> handler));
            ep.registerEventHandler(c -> names);
        });
        axon = configurer.buildConfiguration();
        axon.start();
        if (readModels.createSchemaAndCatchUp()) {
            System.out.println("tallyd: read models rebuilt from the log (a table was missing)");
        }
        ownerOnly(dataRoot.resolve("events"));

        AccessControl access = new AccessControl(axon.eventGateway(), policy);
        DaemonLimits limits = options.limits();
        LimitRefusals refusals = LimitRefusals.publishedBy(axon.eventGateway(), REFUSALS);
        REFUSALS.scheduleWithFixedDelay(refusals::flushDue, 1, 1, TimeUnit.SECONDS);
        java.util.List<String> scratch = ScratchSpace.clear(dataRoot.resolve("tmp"));
        if (!scratch.isEmpty()) {
            System.out.println("tallyd: removed what a stopped daemon left in tmp/ (partial writes, spools): "
                    + String.join(", ", scratch));
        }
        LayeredImageStore imageStore = new LayeredImageStore(dataRoot);
        RuncRuntime runtime = new RuncRuntime(dataRoot, options.execRoot(), imageStore, tool("runc"), tool("conmon"),
                options.seccompProfile());
        this.runtime = runtime;
        LocalVolumes volumeStore = new LocalVolumes(dataRoot);
        VolumeService volumes = new VolumeService(axon.commandGateway(), volumeStore, volumeViews,
                containerViews, access, new ReentrantKeyedLocks());
        HostFileLookup hostFiles = HostFileLookup.system();
        VisibleContainers visible = new VisibleContainers(containerViews, access);
        // one lock per container, shared by its lifecycle and the start-up reconciler
        KeyedLocks lifecycles = new ReentrantKeyedLocks();
        ContainerLifecycle lifecycle = new ContainerLifecycle(axon.commandGateway(), runtime, visible, lifecycles,
                new ReadModelExitWaits(containerViews, EXIT_STEPS), volumes::removeAnonymousOf);
        ContainerUseCases containers = new ContainerUseCases(visible,
                new ContainerCreation(axon.commandGateway(), runtime, imageViews, volumes, access, hostFiles, names, visible,
                        new StoredImageDetails(imageStore)),
                lifecycle, new ContainerExecs(axon.commandGateway(), runtime, visible, access, EXEC_WAITERS, limits.execs(),
                refusals, java.time.Clock.systemUTC(), readModels.execs()),
                new ContainerOperations(axon.commandGateway(), runtime.processes(), visible, lifecycles, names, access),
                new ContainerArchives(axon.commandGateway(), runtime.files(), visible, lifecycles, access));
        runtime.onExit(lifecycle::exited);
        KeyedLocks imageLocks = new ReentrantKeyedLocks();
        ImageService images = new ImageService(axon.commandGateway(), imageStore, imageViews, access, imageLocks);
        ImageRemoval imageRemoval = new ImageRemoval(axon.commandGateway(), imageViews, containerViews, access,
                imageLocks, images, imageStore);
        // Exits are watched first, so that none that happens while the reconciler works is missed; the
        // reconciler decides each container under the lock the exit handler takes.
        runtime.watchExits();
        LeftoverRemovals leftovers = new LeftoverRemovals(axon.eventGateway(), store.storedEvents(),
                new LeftoverMarkFiles(dataRoot));
        new VolumeReconciliation(leftovers, volumeStore, volumeViews).reconcile();
        new ImageReconciliation(leftovers, imageStore, imageViews, containerViews).reconcile();
        HostReconciliation reconciliation = new HostReconciliation(axon.commandGateway(), leftovers, runtime,
                containerViews, lifecycle, lifecycles);
        Rechecks.schedule(reconciliation, reconciliation.reconcile());
        // after the containers: a --rm container the reconciler removed takes its anonymous volumes
        new AnonymousVolumes(volumes, store.storedEvents()).reconcile();

        // No file cache: tallyd serves no file from its class path, and Vert.x's cache is a directory in /tmp
        // that a kill -9 leaves behind, one per crash.
        vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setFileSystemOptions(
                new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false))).build();
        if (!vertx.isNativeTransportEnabled()) {
            throw new IllegalStateException("the native (epoll) transport is unavailable, and without it the "
                    + "daemon cannot know who is calling: " + vertx.unavailableNativeTransportCause());
        }
        DockerApi.UseCases useCases = new DockerApi.UseCases(containers,
                new ContainerConsole(runtime, axon.commandGateway()), containerViews, images, imageViews, volumes, volumeViews,
                imageRemoval);
        api = new DockerApi(vertx, useCases,
                new DockerApi.DaemonFacts(VERSION, dataRoot.toString(), hostId(dataRoot),
                        CgroupHierarchy.host().version(), CgroupHierarchy.DRIVER));
        api.limit(limits.requests(), limits.connections(), limits.streams(), policy::isAdmin, refusals);
        api.identifyTlsClients(policy.tlsUsers(), access);
        RuncResources resources = new RuncResources(dataRoot, options.execRoot(), tool("runc"), runtime);
        for (String id : new LimitsReconciliation(axon.commandGateway(), containerViews, resources, lifecycles).reconcile()) {
            System.out.println("tallyd: container " + id + " runs under limits an update set and did not record: recorded");
        }
        ContainerStats stats = new ContainerStats(visible, resources);
        api.add(new ContainerStatsRoutes(stats, new ContainerUpdates(axon.commandGateway(), resources, visible, access,
                hostFiles, lifecycles)));
        api.add(new SystemRoutes(useCases, stats, new ContainerPruning(visible, lifecycle, stats, access),
                new VolumePruning(volumes, volumeStore, containerViews, access)));
        api.add(new ImageArchiveRoutes(new ImageArchiving(axon.commandGateway(), new DockerArchives(imageStore), imageViews,
                images), dataRoot.resolve("tmp")));
        api.describeImages(new StoredImageDetails(imageStore));
        ImageCommits commits = new ImageCommits(axon.commandGateway(), runtime.files(), new CommittedImages(imageStore),
                visible, images, lifecycles, runtime.processes());
        // before anything is served, after the reconciler: what a commit cut short left frozen runs again
        commits.thawWhatACutCommitFroze();
        api.add(new CommitRoutes(commits));
        api.add(new EventRoutes(store.storedEvents(), access));
        api.add(new DistributionRoutes(new ImageDistribution(axon.commandGateway(), new RegistryClient(options.registries()),
                imageStore, images, TRANSFERS)));
        api.add(new GrantRoutes(new ContainerGrants(axon.commandGateway(), visible, access, hostFiles)));
        api.add(new AuditChainRoutes(new ChainAudit(store.chain(), access)));
        api.add(new AuditRoutes(readModels.audit(), readModels, access));
        for (String host : options.hosts()) {
            if (!host.startsWith("unix://")) {
                continue;
            }
            Path socket = Path.of(host.substring("unix://".length()));
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket);
            api.listenUnix(socket.toString()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            secureSocket(socket);
            System.out.println("tallyd " + VERSION + ": listening on " + host + " (data root " + dataRoot + ")");
        }
        TcpListeners.start(options, tls, policy.tlsUsers(), api);
        Files.writeString(options.execRoot().resolve("tallyd.pid"), Long.toString(ProcessHandle.current().pid()));
    }

    /**
     * The store opens with H2's default user (sa, no password): its files' mode is what keeps others
     * out (0600, root); the hash chain catches whoever gets past it.
     */
    private static void ownerOnly(Path storeDir) throws IOException {
        try (var files = Files.list(storeDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
        }
    }

    /** Mode 0660 and the daemon's group, so that members of the group (and only they) may connect. */
    private void secureSocket(Path socket) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        try {
            GroupPrincipal group = socket.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(options.group());
            Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(group);
        } catch (UserPrincipalNotFoundException e) {
            System.err.println("tallyd: group " + options.group() + " does not exist: only root can use " + socket);
        }
    }

    private static String hostId(Path dataRoot) throws IOException {
        Path idFile = dataRoot.resolve("engine-id");
        if (!Files.exists(idFile)) {
            // root's alone, as everything under the data root (DataRootAccess closes an older one at start)
            Files.createFile(idFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(idFile, java.util.UUID.randomUUID().toString());
        }
        return Files.readString(idFile).strip();
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed (apt-get install " + name + ")");
    }

    /**
     * In order: no request is taken any more (503), the requests under way end with their answers
     * (for up to {@link #STOP_GRACE}), Vert.x closes (listeners, connections, its threads), the exits
     * being recorded end with their containers' release or removal (a {@code --rm} container's rootfs
     * is not left mounted until the next start), then Axon, then the store: nothing is answered after the store closed, and no request's commit meets a
     * closed store unless it outlived the grace (it then fails, and is not answered as done).
     */
    void stop() {
        if (api != null) {
            int underWay = api.workUnderWay();
            if (underWay > 0) {
                System.out.println("tallyd: stopping: " + underWay + " requests under way, taking no more");
            }
            await(api.stopTakingWork(), STOP_GRACE, "the requests under way to end");
        }
        if (vertx != null) {
            await(vertx.close().toCompletionStage(), java.time.Duration.ofSeconds(10), "the API to close");
        }
        if (runtime != null && !runtime.stopWatchingExits(EXITS_GRACE)) {
            System.err.println("tallyd: stopping: waited " + EXITS_GRACE.toSeconds() + " s for the exits being recorded;"
                    + " going on (the next start finishes them)");
        }
        if (axon != null) {
            axon.shutdown();
        }
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                System.err.println("tallyd: stopping: the store was not closed (its next start recovers it): "
                        + e.getMessage());
            }
        }
        System.out.println("tallyd: stopped");
    }

    private static void await(java.util.concurrent.CompletionStage<?> stage, java.time.Duration limit, String what) {
        try {
            stage.toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println("tallyd: stopping: waited " + limit.toSeconds() + " s for " + what + "; going on");
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("tallyd: stopping: waiting for " + what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
