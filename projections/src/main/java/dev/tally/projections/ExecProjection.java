package dev.tally.projections;

import dev.tally.domain.container.ExecRecords;
import dev.tally.domain.container.ExecSession;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.event.ContainerExecExitUnknown;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerExitUnknown;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;

/**
 * The execs read model: one row per exec ever started, with how it ended (its code, or unknown with
 * why), so that {@code GET /exec/{id}/json} answers after a restart as before it. Rows outlive their
 * container (the exec routes answer only while it exists, as dockerd does); an exec is a few hundred
 * bytes beside its two events in the log.
 */
public class ExecProjection extends ViewStore implements ExecRecords {

    /** An exec as the log has it; {@code error} is empty unless its exit is unknown. */
    record ExecRow(String id, String containerId, ExecSpec spec, boolean running, Integer exitCode, String error) {

        ExecSession session() {
            return new ExecSession(id, containerId, spec, running, exitCode, error == null ? "" : error);
        }
    }

    static final ViewTable<ExecRow> TABLE = new ViewTable<>("exec_view", "id", List.of("id", "container_id", "doc"),
            "id VARCHAR(64) PRIMARY KEY, container_id VARCHAR(64) NOT NULL, doc CLOB NOT NULL", Map.of(), false,
            (ps, r) -> {
                ps.setString(1, r.id());
                ps.setString(2, r.containerId());
                ps.setString(3, JSON.writeValueAsString(r));
            },
            rs -> JSON.readValue(rs.getString("doc"), ExecRow.class));

    private final Rows<ExecRow> rows;

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

    private void ended(String execId, int code, String error) {
        rows.get(execId).ifPresent(r -> {
            rows.put(execId, new ExecRow(r.id(), r.containerId(), r.spec(), false, code, error));
            rows.settle(execId);
        });
    }

    @Override
    public Optional<ExecSession> find(String execId) {
        return reading(() -> rows.get(execId)).map(ExecRow::session);
    }
}
