package dev.tally.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.domain.References;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.container.StartFailures;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * The containers read model: one row per container with its latest view as JSON, until the
 * container is removed (its history stays in the log and the audit model; a replay then has only
 * the containers that still exist to write). Fed in the same transaction as the events, so a
 * container is visible as soon as its command returns.
 */
public class ContainerProjection extends ViewStore implements ContainerQueries {

    private final List<Consumer<ContainerView>> listeners = new CopyOnWriteArrayList<>();

    private final Rows<ContainerView> rows;

    public ContainerProjection(ConnectionProvider connections) {
        super(connections);
        rows = storage().rows(TABLE);
    }

    ContainerProjection(ConnectionProvider connections, ViewStorage storage) {
        super(connections, storage);
        rows = storage.rows(TABLE);
    }

    static final ViewTable<ContainerView> TABLE = new ViewTable<>("container_view", "id",
            List.of("id", "name", "status", "created", "doc"),
            "id VARCHAR(64) PRIMARY KEY, name VARCHAR(255) NOT NULL, status VARCHAR(16) NOT NULL, "
                    + "created TIMESTAMP WITH TIME ZONE, doc CLOB NOT NULL",
            Map.of("name", "name"), false,
            (ps, v) -> {
                ps.setString(1, v.id());
                ps.setString(2, v.name());
                ps.setString(3, v.status().name());
                ps.setObject(4, v.created().atOffset(java.time.ZoneOffset.UTC));
                ps.setString(5, JSON.writeValueAsString(v));
            },
            rs -> JSON.readValue(rs.getString("doc"), ContainerView.class));

    @Override
    List<ViewTable<?>> tables() {
        return List.of(TABLE);
    }

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
        update(e.containerId(), v -> v.with(ContainerStatus.CREATED, 0, StartFailures.exitCode(e.reason()), v.startedAt(),
                v.finishedAt(), e.reason()));
    }

    @EventHandler
    void on(ContainerUpdated e) {
        update(e.containerId(), v -> v.withConfig(v.config().withLimits(e.limits())));
    }

    @EventHandler
    void on(ContainerExited e) {
        update(e.containerId(), v -> v.with(ContainerStatus.EXITED, 0, e.exitCode(), v.startedAt(), e.at(), ""));
    }

    /** Exit code {@link ContainerExitUnknown#EXIT_CODE}, the reason as the container's error. */
    @EventHandler
    void on(ContainerExitUnknown e) {
        update(e.containerId(), v -> v.with(ContainerStatus.EXITED, 0, ContainerExitUnknown.EXIT_CODE, v.startedAt(),
                e.at(), "exit code unknown: " + e.reason()));
    }

    @EventHandler
    void on(ContainerRemoved e) {
        gone(e.containerId(), null);
    }

    /** Its bundle could not be prepared: gone, as if removed, with why. */
    @EventHandler
    void on(ContainerCreateFailed e) {
        gone(e.containerId(), e.reason());
    }

    private void gone(String id, String why) {
        rows.get(id).ifPresent(v -> {
            rows.remove(v.id());
            announce(v.with(ContainerStatus.REMOVED, 0, v.exitCode(), v.startedAt(), v.finishedAt(),
                    why == null ? v.error() : why));
        });
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
        String key = ref.startsWith("/") ? ref.substring(1) : ref;
        return References.choose(key, candidates(ref), ContainerView::id, v -> v.name().equals(key));
    }

    @Override
    public List<ContainerView> candidates(String ref) {
        String key = ref.startsWith("/") ? ref.substring(1) : ref;
        if (!key.matches("[0-9a-f]{1,64}")) {
            return select("SELECT doc FROM container_view WHERE status <> 'REMOVED' AND (id = ? OR name = ?)", key, key);
        }
        return select("SELECT doc FROM container_view WHERE status <> 'REMOVED' AND (id LIKE ? OR name = ?)",
                key + "%", key);
    }

    @Override
    public List<ContainerView> list(boolean all) {
        return select(all ? "SELECT doc FROM container_view WHERE status <> 'REMOVED' ORDER BY created DESC"
                : "SELECT doc FROM container_view WHERE status = 'RUNNING' ORDER BY created DESC");
    }

    @Override
    public AutoCloseable subscribe(Consumer<ContainerView> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void update(String id, java.util.function.UnaryOperator<ContainerView> change) {
        rows.get(id).ifPresent(current -> save(change.apply(current)));
    }

    private void save(ContainerView v) {
        rows.put(v.id(), v);
        announce(v);
    }

    private void announce(ContainerView v) {
        if (!storage().live()) {
            return;
        }
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(u -> notifyListeners(v));
        } else {
            notifyListeners(v);
        }
    }

    private void notifyListeners(ContainerView v) {
        listeners.forEach(l -> l.accept(v));
    }

    private List<ContainerView> select(String sql, String... params) {
        return reading(() -> selectNow(sql, params));
    }

    private List<ContainerView> selectNow(String sql, String... params) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<ContainerView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(JSON.readValue(rs.getString(1), ContainerView.class));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw failed("read the containers read model", e);
        }
    }
}
