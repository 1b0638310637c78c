package dev.tally.projections;

import dev.tally.domain.container.ExecRecords;
import dev.tally.domain.container.ExecSession;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.event.ContainerExecExitUnknown;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.event.ContainerRemoved;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;

/**
 * The execs read model: one row per exec of a container that is not removed, with how it ended (its
 * code, or unknown with why), so that {@code GET /exec/{id}/json} answers after a restart as before it.
 * A container's rows go with it, as dockerd forgets a container's execs when it removes it (the exec
 * routes answered only while the container existed anyway): kept, they were half of the read models'
 * rows after a long mixed log and a fifth of a replay's time. The log keeps every exec.
 */
public class ExecProjection extends ViewStore implements ExecRecords {

    /** An exec as the log has it; {@code error} is empty unless its exit is unknown. */
    record ExecRow(String id, String containerId, ExecSpec spec, boolean running, Integer exitCode, String error) {

        ExecSession session() {
            return new ExecSession(id, containerId, spec, running, exitCode, error == null ? "" : error);
        }
    }

    static final ViewTable<ExecRow> TABLE = new ViewTable<>("exec_view", "id", List.of("id", "container_id", "doc"),
            "id VARCHAR(64) PRIMARY KEY, container_id VARCHAR(64) NOT NULL, doc CLOB NOT NULL",
            Map.of("container", "container_id"), false,
            (ps, r) -> {
                ps.setString(1, r.id());
                ps.setString(2, r.containerId());
                ps.setString(3, JSON.writeValueAsString(r));
            },
            rs -> JSON.readValue(rs.getString("doc"), ExecRow.class));

    private final Rows<ExecRow> rows;
    /**
     * In a rebuild (not {@link ViewStorage#live()}), the execs of each container not removed yet, held until
     * its removal or the end of the log; live, the table's index on the container answers.
     */
    private final Map<String, List<String>> rebuiltByContainer = new HashMap<>();

    public ExecProjection(ConnectionProvider connections) {
        super(connections);
        rows = storage().rows(TABLE);
    }

    ExecProjection(ConnectionProvider connections, ViewStorage storage) {
        super(connections, storage);
        rows = storage.rows(TABLE);
    }

    @Override
    List<ViewTable<?>> tables() {
        return List.of(TABLE);
    }

    @EventHandler
    void on(ContainerExecStarted e) {
        rows.put(e.execId(), new ExecRow(e.execId(), e.containerId(), e.spec(), true, null, ""));
        if (!storage().live()) {
            rebuiltByContainer.computeIfAbsent(e.containerId(), c -> new ArrayList<>()).add(e.execId());
        }
    }

    /** Its execs go with it. */
    @EventHandler
    void on(ContainerRemoved e) {
        List<String> execs = storage().live() ? liveExecsOf(e.containerId())
                : rebuiltByContainer.getOrDefault(e.containerId(), List.of());
        for (String execId : execs) {
            rows.remove(execId);
        }
        rebuiltByContainer.remove(e.containerId());
    }

    private List<String> liveExecsOf(String containerId) {
        storage().gate().enterUnitOfWork();
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM " + TABLE.name() + " WHERE container_id = ?")) {
            ps.setString(1, containerId);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw failed("find the execs of container " + containerId, e);
        }
    }

    @EventHandler
    void on(ContainerExecExited e) {
        ended(e.execId(), e.exitCode(), "");
    }

    /** Exit code {@link ContainerExitUnknown#EXIT_CODE}, the reason as its error, in the words of a container's. */
    @EventHandler
    void on(ContainerExecExitUnknown e) {
        ended(e.execId(), ContainerExitUnknown.EXIT_CODE, "exit code unknown: " + e.reason());
    }

    /** Not settled (a rebuild would write it at once): it is removed with its container. */
    private void ended(String execId, int code, String error) {
        rows.get(execId).ifPresent(r -> rows.put(execId, new ExecRow(r.id(), r.containerId(), r.spec(), false, code, error)));
    }

    @Override
    public Optional<ExecSession> find(String execId) {
        return reading(() -> rows.get(execId)).map(ExecRow::session);
    }
}
