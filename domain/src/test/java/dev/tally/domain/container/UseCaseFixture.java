package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.query.ImageHolder;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.query.ReferenceView;
import dev.tally.domain.volume.VolumeService;
import dev.tally.domain.volume.VolumeStore;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;

/**
 * The container use cases wired as tallyd wires them, on the {@link FakeContainerRuntime}, an event
 * store in memory and the containers' read model in memory. Exits are reported when a test says so
 * ({@link FakeContainerRuntime#reportExits()}), or right after each signal (a wait still open after
 * that has timed out).
 */
final class UseCaseFixture implements AutoCloseable {

    static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");
    static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    static final Actor BOB = new Actor(1001, 1001, "bob", 43, "unix:pid=43");
    static final String IMAGE_ID = "sha256:busybox";

    final FakeContainerRuntime runtime = new FakeContainerRuntime();
    /** The stored configs' {@code config} objects of images, by id (none for the rest). */
    final Map<String, Map<String, Object>> imageConfigs = new java.util.concurrent.ConcurrentHashMap<>();
    /** The marks of leftover removals under way: they outlive a "restart" (a second reconcile). */
    final dev.tally.domain.host.InMemoryLeftoverMarks leftoverMarks = new dev.tally.domain.host.InMemoryLeftoverMarks();
    private final InMemoryEventStorageEngine store = new InMemoryEventStorageEngine();
    final InMemoryContainerViews views = new InMemoryContainerViews();
    final ContainerNames names = new ContainerNames(new InMemoryHeldNames());
    final Configuration axon;
    final CommandGateway commands;
    final AccessControl access;
    final VisibleContainers visible;
    final ContainerCreation creation;
    final ContainerLifecycle lifecycle;
    /** The containers removed with their anonymous volumes ({@code rm -v}, {@code --rm}), and by whom. */
    final List<String> removedWithVolumes = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ContainerExecs execs;
    final HostReconciliation reconciliation;
    final FakeContainerProcesses processes = new FakeContainerProcesses();
    final FakeContainerFiles files = new FakeContainerFiles();
    final ContainerOperations operations;
    final ContainerArchives archives;

    UseCaseFixture() {
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(c -> store)
                .configureAggregate(Container.class)
                .eventProcessing(ep -> ep.usingSubscribingEventProcessors()
                        .registerEventHandler(c -> views)
                        .registerEventHandler(c -> names))
                .buildConfiguration();
        axon.start();
        commands = axon.commandGateway();
        access = new AccessControl(axon.eventGateway(), AccessPolicy.defaults());
        visible = new VisibleContainers(views, access);
        HostLookup host = new HostLookup() {
            @Override
            public OptionalInt uidOf(String user) {
                return Map.of("alice", 1000, "bob", 1001).containsKey(user)
                        ? OptionalInt.of(Map.of("alice", 1000, "bob", 1001).get(user)) : OptionalInt.empty();
            }

            @Override
            public String realPath(String absolutePath) {
                return absolutePath;
            }
        };
        creation = new ContainerCreation(commands, runtime, new OneImage(), noVolumes(), access, host, names, visible,
                id -> java.util.Optional.ofNullable(imageConfigs.get(id)).map(c -> new dev.tally.domain.image.ImageDetails.Details(
                        "", "", "", "", c, List.of(), List.of())));
        InOrder locks = new InOrder();
        lifecycle = new ContainerLifecycle(commands, runtime, visible, locks, exitWaits,
                (c, actor) -> removedWithVolumes.add(c.id() + " by " + actor.user()));
        runtime.afterEachKill(exitWaits::signalled);
        runtime.onExit(lifecycle::exited);
        execs = new ContainerExecs(commands, runtime, visible, access, Runnable::run);
        reconciliation = new HostReconciliation(commands, new dev.tally.domain.host.LeftoverRemovals(axon.eventGateway(),
                new dev.tally.domain.host.EventsById(() -> store.readEvents(null, false)), leftoverMarks), runtime, views,
                lifecycle, locks);
        operations = new ContainerOperations(commands, processes, visible, locks, names, access);
        archives = new ContainerArchives(commands, files, visible, locks, access);
    }

    static ContainerConfig config(String... cmd) {
        return new ContainerConfig("busybox", List.of(), List.of(cmd), List.of(), "", "", "", Map.of(), false, false,
                List.of(), ContainerConfig.Limits.NONE, "none", false, ContainerConfig.HostAccess.NONE);
    }

    static ContainerConfig autoRemoved(String... cmd) {
        return new ContainerConfig("busybox", List.of(), List.of(cmd), List.of(), "", "", "", Map.of(), false, false,
                List.of(), ContainerConfig.Limits.NONE, "none", true, ContainerConfig.HostAccess.NONE);
    }

    /** A container created by {@code actor} and started, running {@code cmd}; its id. */
    String running(Actor actor, String... cmd) {
        String id = creation.create(null, config(cmd), actor);
        lifecycle.start(id, actor);
        return id;
    }

    Optional<ContainerView> view(String id) {
        return views.find(id);
    }

    ContainerStatus status(String id) {
        return views.find(id).map(ContainerView::status).orElse(ContainerStatus.REMOVED);
    }

    /** The payloads of every event stored so far, oldest first. */
    List<Object> events() {
        return store.readEvents(null, false).map(EventMessage::getPayload).map(Object.class::cast).toList();
    }

    List<AccessDenied> denials() {
        return events().stream().filter(AccessDenied.class::isInstance).map(AccessDenied.class::cast).toList();
    }

    /** The payloads stored while {@code action} ran. */
    List<Object> eventsOf(Runnable action) {
        int before = events().size();
        action.run();
        List<Object> all = events();
        return all.subList(before, all.size());
    }

    /** When set, the next wait for an exit is this stage, completed by the test. */
    java.util.concurrent.CompletableFuture<Boolean> heldExit;

    private final FixtureExitWaits exitWaits = new FixtureExitWaits();

    /**
     * Waits as tallyd's do, on the read model from the call on, for one run. Time passes at a signal:
     * once it is delivered, the monitor reports what exited, and every wait still open times out.
     */
    private final class FixtureExitWaits implements ExitWaits {
        private final List<Runnable> open = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public java.util.concurrent.CompletionStage<Boolean> exitOf(String id, long pid, java.time.Duration timeout) {
            java.util.concurrent.CompletableFuture<Boolean> held = heldExit;
            heldExit = null;
            if (held != null) {
                return held;
            }
            java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
            AutoCloseable sub = views.subscribe(v -> {
                if (v.id().equals(id) && ended(v, pid)) {
                    done.complete(true);
                }
            });
            if (views.find(id).map(v -> ended(v, pid)).orElse(true)) {
                done.complete(true);
            }
            open.add(() -> done.complete(false));
            return done.whenComplete((exited, failure) -> {
                try {
                    sub.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        private static boolean ended(ContainerView v, long pid) {
            return v.status() != ContainerStatus.RUNNING || pid != 0 && v.pid() != pid;
        }

        void signalled() {
            runtime.reportExits();
            List<Runnable> timedOut = List.copyOf(open);
            open.clear();
            timedOut.forEach(Runnable::run);
        }
    }

    @Override
    public void close() {
        axon.shutdown();
    }

    /** The use cases' steps run on the test's one thread: in order without a lock. */
    static final class InOrder implements KeyedLocks {
        @Override
        public <T> T exclusively(String key, Supplier<T> steps) {
            return steps.get();
        }
    }

    /** busybox, imported by root (so every user may use it). */
    private static final class OneImage implements ImageQueries {
        private static final ImageView BUSYBOX = new ImageView(IMAGE_ID, List.of("busybox:latest"),
                List.of(), 0, Instant.EPOCH, List.of(), List.of(ImageHolder.of(ROOT)), false);

        @Override
        public List<ImageView> candidates(String ref) {
            return ref.equals("busybox") || ref.equals(IMAGE_ID) || ref.equals(BUSYBOX.tags().get(0))
                    || ref.equals("docker.io/library/busybox:latest") ? List.of(BUSYBOX) : List.of();
        }

        @Override
        public List<ImageView> list() {
            return List.of(BUSYBOX);
        }

        @Override
        public Optional<ReferenceView> reference(String normalized) {
            return normalized.equals("busybox:latest")
                    ? Optional.of(new ReferenceView(normalized, IMAGE_ID, 0, "root")) : Optional.empty();
        }
    }

    private VolumeService noVolumes() {
        VolumeStore store = new VolumeStore() {
            @Override
            public String create(String name) {
                throw new AssertionError("no volumes in these tests");
            }

            @Override
            public String mountpoint(String name) {
                throw new AssertionError("no volumes in these tests");
            }

            @Override
            public void remove(String name) {
                throw new AssertionError("no volumes in these tests");
            }

            @Override
            public void ensure(String name) {
                throw new AssertionError("no volumes in these tests");
            }

            @Override
            public java.util.Set<String> names() {
                throw new AssertionError("no volumes in these tests");
            }
        };
        VolumeQueries volumes = new VolumeQueries() {
            @Override
            public Optional<VolumeView> find(String name) {
                return Optional.empty();
            }

            @Override
            public List<VolumeView> list() {
                return List.of();
            }
        };
        return new VolumeService(commands, store, volumes, views, access, new InOrder());
    }
}
