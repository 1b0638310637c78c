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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;

/** The volumes read model: one row per volume ever created; removed ones are kept, marked. */
public class VolumeProjection extends ViewStore implements VolumeQueries {

    public VolumeProjection(ConnectionProvider connections) {
        super(connections);
    }

    @Override
    public void createSchema() {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS volume_view (id VARCHAR(64) PRIMARY KEY, name VARCHAR(255) NOT NULL, "
                    + "removed BOOLEAN NOT NULL, doc CLOB NOT NULL)");
        } catch (SQLException e) {
            throw failed("create the volumes read model", e);
        }
    }

    @EventHandler
    void on(VolumeCreated e) {
        VolumeView v = new VolumeView(e.volumeId(), e.name(), e.labels(), e.actor(), e.at());
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement(
                     "MERGE INTO volume_view (id, name, removed, doc) KEY (id) VALUES (?, ?, FALSE, ?)")) {
            ps.setString(1, v.id());
            ps.setString(2, v.name());
            ps.setString(3, JSON.writeValueAsString(v));
            ps.executeUpdate();
        } catch (SQLException | JsonProcessingException ex) {
            throw failed("record volume " + e.name(), ex);
        }
    }

    @EventHandler
    void on(VolumeRemoved e) {
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement("UPDATE volume_view SET removed = TRUE WHERE id = ?")) {
            ps.setString(1, e.volumeId());
            ps.executeUpdate();
        } catch (SQLException ex) {
            throw failed("remove volume " + e.name(), ex);
        }
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
