package dev.tally.projections;

import dev.tally.domain.DomainException;
import dev.tally.domain.References;
import dev.tally.domain.image.ImageReference;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
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

/** The images read model: images, and which image each reference points at. */
public class ImageProjection extends ViewStore implements ImageQueries {

    /** An image's own row; its tags live in {@link #TAGS}. */
    record ImageRow(String id, List<String> layers, long size, java.time.Instant created) {
    }

    static final ViewTable<ImageRow> IMAGES = new ViewTable<>("image_view", "id",
            List.of("id", "layers", "size", "created"),
            "id VARCHAR(71) PRIMARY KEY, layers CLOB NOT NULL, size BIGINT NOT NULL, "
                    + "created TIMESTAMP WITH TIME ZONE NOT NULL",
            Map.of(), false,
            (ps, i) -> {
                ps.setString(1, i.id());
                ps.setString(2, String.join(",", i.layers()));
                ps.setLong(3, i.size());
                ps.setObject(4, i.created().atOffset(java.time.ZoneOffset.UTC));
            },
            rs -> new ImageRow(rs.getString("id"), List.of(rs.getString("layers").split(",")), rs.getLong("size"),
                    rs.getObject("created", java.time.OffsetDateTime.class).toInstant()));

    /** Which image a reference points at: reference → image id. */
    static final ViewTable<String[]> TAGS = new ViewTable<>("image_tag", "ref", List.of("ref", "image_id"),
            "ref VARCHAR(512) PRIMARY KEY, image_id VARCHAR(71) NOT NULL", Map.of(), false,
            (ps, t) -> {
                ps.setString(1, t[0]);
                ps.setString(2, t[1]);
            },
            rs -> new String[] {rs.getString("ref"), rs.getString("image_id")});

    private final Rows<ImageRow> images;
    private final Rows<String[]> tags;

    public ImageProjection(ConnectionProvider connections) {
        super(connections);
        images = storage().rows(IMAGES);
        tags = storage().rows(TAGS);
    }

    ImageProjection(ConnectionProvider connections, ViewStorage storage) {
        super(connections, storage);
        images = storage.rows(IMAGES);
        tags = storage.rows(TAGS);
    }

    @Override
    List<ViewTable<?>> tables() {
        return List.of(IMAGES, TAGS);
    }

    @EventHandler
    void on(ImageImported e) {
        images.put(e.imageId(), new ImageRow(e.imageId(), e.layers(), e.size(), e.at()));
        tag(e.reference(), e.imageId());
    }

    @EventHandler
    void on(ImageTagged e) {
        tag(e.reference(), e.imageId());
    }

    private void tag(String ref, String imageId) {
        tags.put(ref, new String[] {ref, imageId});
    }

    @Override
    public Optional<ImageView> find(String ref) {
        List<ImageView> byId = select("WHERE i.id = ?", ref.startsWith("sha256:") ? ref : "sha256:" + ref);
        if (!byId.isEmpty()) {
            return Optional.of(byId.get(0));
        }
        if (References.looksLikeId(ref)) {
            // a short id before a name (References' order): a repository named like an image's short id,
            // stored before such names were refused, does not capture it
            List<ImageView> byPrefix = byIdPrefix(ref);
            if (!byPrefix.isEmpty()) {
                return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
            }
        }
        try {
            String normalized = ImageReference.normalize(ref);
            List<ImageView> byTag = select("WHERE i.id = (SELECT image_id FROM image_tag WHERE ref = ?)", normalized);
            if (!byTag.isEmpty()) {
                String tagged = byTag.get(0).id();
                boolean otherIdBegins = ImageReference.isIdLike(ref)
                        && byIdPrefix(ref).stream().anyMatch(i -> !i.id().equals(tagged));
                // a repository named in hex digits that another image's id also begins names neither (References)
                return References.nameShadowsAPrefix(ref, otherIdBegins) ? Optional.empty() : Optional.of(byTag.get(0));
            }
        } catch (DomainException notAName) {
            // fall through to an id prefix
        }
        if (ImageReference.isIdLike(ref)) {
            List<ImageView> byPrefix = byIdPrefix(ref);
            return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The images whose id begins with {@code ref}, given with or without "sha256:". */
    private List<ImageView> byIdPrefix(String ref) {
        return select("WHERE i.id LIKE ?", (ref.startsWith("sha256:") ? ref : "sha256:" + ref) + "%");
    }

    @Override
    public List<ImageView> list() {
        return select("");
    }

    private List<ImageView> select(String where, String... params) {
        return reading(() -> selectNow(where, params));
    }

    private List<ImageView> selectNow(String where, String... params) {
        String sql = "SELECT i.id, i.layers, i.size, i.created, "
                + "(SELECT LISTAGG(t.ref, ',') WITHIN GROUP (ORDER BY t.ref) FROM image_tag t WHERE t.image_id = i.id) "
                + "FROM image_view i " + where + " ORDER BY i.created DESC";
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<ImageView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String tags = rs.getString(5);
                    out.add(new ImageView(rs.getString(1), tags == null ? List.of() : List.of(tags.split(",")),
                            List.of(rs.getString(2).split(",")), rs.getLong(3),
                            rs.getObject(4, java.time.OffsetDateTime.class).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed("read the images read model", e);
        }
    }
}
