package dev.tally.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;

/** The volumes read model: one row per volume ever created; removed ones are kept, marked. */
public class VolumeProjection extends ViewStore implements VolumeQueries {

    /** A volume ever created, and whether it has been removed since. */
    record VolumeRow(VolumeView view, boolean removed) {
    }

    static final ViewTable<VolumeRow> TABLE = new ViewTable<>("volume_view", "id", List.of("id", "name", "removed", "doc"),
            "id VARCHAR(64) PRIMARY KEY, name VARCHAR(255) NOT NULL, removed BOOLEAN NOT NULL, doc CLOB NOT NULL",
            Map.of(), false,
            (ps, r) -> {
                ps.setString(1, r.view().id());
                ps.setString(2, r.view().name());
                ps.setBoolean(3, r.removed());
                ps.setString(4, JSON.writeValueAsString(r.view()));
            },
            rs -> new VolumeRow(JSON.readValue(rs.getString("doc"), VolumeView.class), rs.getBoolean("removed")));

    private final Rows<VolumeRow> rows;

    public VolumeProjection(ConnectionProvider connections) {
        super(connections);
        rows = storage().rows(TABLE);
    }

    VolumeProjection(ConnectionProvider connections, ViewStorage storage) {
        super(connections, storage);
        rows = storage.rows(TABLE);
    }

    @Override
    List<ViewTable<?>> tables() {
        return List.of(TABLE);
    }

    @EventHandler
    void on(VolumeCreated e) {
        rows.put(e.volumeId(), new VolumeRow(new VolumeView(e.volumeId(), e.name(), e.labels(), e.actor(), e.at()), false));
    }

    @EventHandler
    void on(VolumeRemoved e) {
        rows.get(e.volumeId()).ifPresent(r -> rows.put(e.volumeId(), new VolumeRow(r.view(), true)));
    }

    @Override
    public Optional<VolumeView> find(String name) {
        List<VolumeView> found = select("SELECT doc FROM volume_view WHERE removed = FALSE AND name = ?", name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<VolumeView> list() {
        return select("SELECT doc FROM volume_view WHERE removed = FALSE ORDER BY name");
    }

    private List<VolumeView> select(String sql, String... params) {
        return reading(() -> selectNow(sql, params));
    }

    private List<VolumeView> selectNow(String sql, String... params) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<VolumeView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(JSON.readValue(rs.getString(1), VolumeView.class));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw failed("read the volumes read model", e);
        }
    }
}
