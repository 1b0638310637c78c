package dev.tally.domain.container;

import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerUpdated;
import dev.tally.domain.container.event.ContainerPauseFound;
import dev.tally.domain.container.event.ContainerPaused;
import dev.tally.domain.container.event.ContainerRenamed;
import dev.tally.domain.container.event.ContainerUnpaused;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.axonframework.eventhandling.EventHandler;

/** The containers' read model in memory, as the projection answers, for the use-case tests. */
final class InMemoryContainerViews implements ContainerQueries {

    private final Map<String, ContainerView> views = new ConcurrentHashMap<>();
    private final List<Consumer<ContainerView>> listeners = new CopyOnWriteArrayList<>();

    @EventHandler
    void on(ContainerCreated e) {
        save(new ContainerView(e.containerId(), e.name(), e.config(), e.imageId(), e.actor(), e.at(),
                ContainerStatus.CREATED, 0, 0, null, null, ""));
    }

    @EventHandler
    void on(ContainerStartRequested e) {
        update(e.containerId(), v -> v.with(ContainerStatus.STARTING, 0, v.exitCode(), v.startedAt(), v.finishedAt(), ""));
    }

    @EventHandler
    void on(ContainerStarted e) {
        update(e.containerId(), v -> v.with(ContainerStatus.RUNNING, e.pid(), 0, e.at(), v.finishedAt(), ""));
    }

    @EventHandler
    void on(ContainerStartFailed e) {
        update(e.containerId(), v -> v.with(ContainerStatus.CREATED, 0, StartFailures.exitCode(e.reason()),
                v.startedAt(), v.finishedAt(), e.reason()));
    }

    @EventHandler
    void on(ContainerUpdated e) {
        update(e.containerId(), v -> v.withConfig(v.config().withLimits(e.limits())));
    }

    @EventHandler
    void on(ContainerExited e) {
        update(e.containerId(), v -> v.with(ContainerStatus.EXITED, 0, e.exitCode(), v.startedAt(), e.at(), ""));
    }

    @EventHandler
    void on(ContainerExitUnknown e) {
        update(e.containerId(), v -> v.with(ContainerStatus.EXITED, 0, ContainerExitUnknown.EXIT_CODE, v.startedAt(), e.at(),
                e.reason()));
    }

    @EventHandler
    void on(ContainerCreateFailed e) {
        gone(e.containerId());
    }

    @EventHandler
    void on(ContainerRemoved e) {
        gone(e.containerId());
    }

    private void gone(String id) {
        ContainerView v = views.remove(id);
        if (v != null) {
            listeners.forEach(l -> l.accept(v.with(ContainerStatus.REMOVED, 0, v.exitCode(), v.startedAt(),
                    v.finishedAt(), v.error())));
        }
    }

    @EventHandler
    void on(ContainerPaused e) {
        update(e.containerId(), v -> v.withPaused(true));
    }

    @EventHandler
    void on(ContainerPauseFound e) {
        update(e.containerId(), v -> v.withPaused(e.paused()));
    }

    @EventHandler
    void on(ContainerUnpaused e) {
        update(e.containerId(), v -> v.withPaused(false));
    }

    @EventHandler
    void on(ContainerRenamed e) {
        update(e.containerId(), v -> v.withName(e.newName()));
    }

    @EventHandler
    void on(ContainerAccessGranted e) {
        update(e.containerId(), v -> {
            List<Grantee> grantees = new ArrayList<>(v.grantees());
            grantees.removeIf(g -> g.uid() == e.grantee().uid());
            grantees.add(e.grantee());
            return v.withGrantees(grantees);
        });
    }

    @EventHandler
    void on(ContainerAccessRevoked e) {
        update(e.containerId(), v -> v.withGrantees(v.grantees().stream()
                .filter(g -> g.uid() != e.grantee().uid()).toList()));
    }

    @Override
    public Optional<ContainerView> find(String ref) {
        List<ContainerView> found = candidates(ref);
        String key = ref.startsWith("/") ? ref.substring(1) : ref;
        return dev.tally.domain.References.choose(key, found, ContainerView::id, v -> v.name().equals(key));
    }

    @Override
    public List<ContainerView> candidates(String ref) {
        String key = ref.startsWith("/") ? ref.substring(1) : ref;
        return views.values().stream().filter(v -> v.name().equals(key) || v.id().startsWith(key)).toList();
    }

    @Override
    public List<ContainerView> list(boolean all) {
        return views.values().stream().filter(v -> all || v.status() == ContainerStatus.RUNNING)
                .sorted(Comparator.comparing(ContainerView::created).reversed()).toList();
    }

    @Override
    public AutoCloseable subscribe(Consumer<ContainerView> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void update(String id, UnaryOperator<ContainerView> change) {
        ContainerView v = views.computeIfPresent(id, (k, current) -> change.apply(current));
        if (v != null) {
            listeners.forEach(l -> l.accept(v));
        }
    }

    private void save(ContainerView v) {
        views.put(v.id(), v);
        listeners.forEach(l -> l.accept(v));
    }
}
