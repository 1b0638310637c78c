package dev.tally.projections;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageReference;
import dev.tally.domain.image.event.ImageCommitted;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageLoaded;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImagePushed;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.image.query.ImageHolder;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.query.ReferenceView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;

/**
 * The images read model: each image with who brought it here (who may use it, see
 * {@link dev.tally.domain.image.VisibleImages}) and its repository digests; each reference with the
 * image it points at and who made it point there (who may move it, see
 * {@link dev.tally.domain.image.ImageService}).
 */
public class ImageProjection extends ViewStore implements ImageQueries {

    /** An image's own row; its references live in {@link #REFS}. */
    record ImageRow(String id, List<String> layers, long size, Instant created, List<String> digests,
                    List<ImageHolder> holders, boolean anyone) {

        ImageRow {
            layers = layers == null ? List.of() : List.copyOf(layers);
            digests = digests == null ? List.of() : List.copyOf(digests);
            holders = holders == null ? List.of() : List.copyOf(holders);
        }

        ImageRow heldBy(Actor actor) {
            ImageHolder h = ImageHolder.of(actor);
            if (holders.stream().anyMatch(x -> x.is(actor) && x.groups().equals(h.groups()))) {
                return this;
            }
            List<ImageHolder> more = new ArrayList<>(holders.stream().filter(x -> !x.is(actor)).toList());
            more.add(h);
            return new ImageRow(id, layers, size, created, digests, more, anyone);
        }

        ImageView view(List<String> tags) {
            return new ImageView(id, tags, layers, size, created, digests, holders, anyone);
        }
    }

    static final ViewTable<ImageRow> IMAGES = new ViewTable<>("image_entry", "id", List.of("id", "created", "doc"),
            "id VARCHAR(71) PRIMARY KEY, created TIMESTAMP WITH TIME ZONE NOT NULL, doc CLOB NOT NULL",
            Map.of(), false,
            (ps, i) -> {
                ps.setString(1, i.id());
                ps.setObject(2, i.created().atOffset(ZoneOffset.UTC));
                ps.setString(3, JSON.writeValueAsString(i));
            },
            rs -> JSON.readValue(rs.getString("doc"), ImageRow.class));

    /** Which image a reference points at, and who made it: reference → image id, owner. */
    static final ViewTable<ReferenceView> REFS = new ViewTable<>("image_ref", "ref",
            List.of("ref", "image_id", "owner_uid", "owner_user"),
            "ref VARCHAR(512) PRIMARY KEY, image_id VARCHAR(71) NOT NULL, owner_uid INT NOT NULL, "
                    + "owner_user VARCHAR(256) NOT NULL",
            Map.of("image", "image_id"), false,
            (ps, r) -> {
                ps.setString(1, r.reference());
                ps.setString(2, r.imageId());
                ps.setInt(3, r.ownerUid());
                ps.setString(4, r.ownerUser());
            },
            rs -> new ReferenceView(rs.getString("ref"), rs.getString("image_id"), rs.getInt("owner_uid"),
                    rs.getString("owner_user")));

    /** Repository digests: {@code repository@sha256:…} → image id. */
    static final ViewTable<String[]> DIGESTS = new ViewTable<>("image_digest", "repo_digest",
            List.of("repo_digest", "image_id"),
            "repo_digest VARCHAR(600) PRIMARY KEY, image_id VARCHAR(71) NOT NULL", Map.of(), false,
            (ps, d) -> {
                ps.setString(1, d[0]);
                ps.setString(2, d[1]);
            },
            rs -> new String[] {rs.getString("repo_digest"), rs.getString("image_id")});

    private final Rows<ImageRow> images;
    private final Rows<ReferenceView> refs;
    private final Rows<String[]> digests;

    public ImageProjection(ConnectionProvider connections) {
        super(connections);
        images = storage().rows(IMAGES);
        refs = storage().rows(REFS);
        digests = storage().rows(DIGESTS);
    }

    ImageProjection(ConnectionProvider connections, ViewStorage storage) {
        super(connections, storage);
        images = storage.rows(IMAGES);
        refs = storage.rows(REFS);
        digests = storage.rows(DIGESTS);
    }

    @Override
    List<ViewTable<?>> tables() {
        return List.of(IMAGES, REFS, DIGESTS);
    }

    @EventHandler
    void on(ImageImported e) {
        provided(e.imageId(), e.layers(), e.size(), e.at(), e.actor(), false);
        point(e.reference(), e.imageId(), e.actor(), false);
    }

    /** Stored only by imports before ImageReferenceMoved existed: an import of known content. */
    @EventHandler
    void on(ImageTagged e) {
        images.get(e.imageId()).ifPresent(row -> images.put(row.id(), row.heldBy(e.actor())));
        point(e.reference(), e.imageId(), e.actor(), false);
    }

    @EventHandler
    void on(ImageReferenceMoved e) {
        point(e.reference(), e.toImageId(), e.actor(), true);
    }

    @EventHandler
    void on(ImagePulled e) {
        pulled(e.imageId(), e.reference(), e.layers(), e.size(), e.at(), e.actor(), e.authenticated(), e.manifestDigest());
    }

    /** The loader holds the image; its references move by their own ImageReferenceMoved. */
    @EventHandler
    void on(ImageLoaded e) {
        provided(e.imageId(), e.layers(), e.size(), e.at(), e.actor(), false);
    }

    /** The committer holds the image; the name it was committed as moves by its own ImageReferenceMoved. */
    @EventHandler
    void on(ImageCommitted e) {
        provided(e.imageId(), e.layers(), e.size(), e.at(), e.actor(), false);
    }

    @EventHandler
    void on(ImagePushed e) {
        digest(e.imageId(), ImageQueries.repositoryOf(ImageReference.normalizedOrAsIs(e.reference())) + "@"
                + e.manifestDigest());
    }

    @EventHandler
    void on(ImageUntagged e) {
        String ref = ImageReference.normalizedOrAsIs(e.reference());
        refs.get(ref).filter(r -> r.imageId().equals(e.imageId())).ifPresent(r -> refs.remove(ref));
    }

    @EventHandler
    void on(ImageRemoved e) {
        images.get(e.imageId()).ifPresent(row -> {
            row.digests().forEach(digests::remove);
            images.remove(row.id());
        });
    }

    /**
     * Content of an image brought here by {@code actor}'s own act (an import, a pull, a load): the
     * image's row if it is new, and the actor among its holders; every user may use it from now on when
     * {@code anyone} (a pull that needed no credentials). For the handlers of the events that bring
     * images (a pull records whether it used credentials).
     */
    void provided(String imageId, List<String> layers, long size, Instant at, Actor actor, boolean anyone) {
        ImageRow row = images.get(imageId).orElse(new ImageRow(imageId, layers, size, at, List.of(), List.of(), false));
        row = row.heldBy(actor);
        if (anyone && !row.anyone()) {
            row = new ImageRow(row.id(), row.layers(), row.size(), row.created(), row.digests(), row.holders(), true);
        }
        images.put(imageId, row);
    }

    /**
     * What a pull's event does to the model (for its handler): the image held by the puller, and by
     * everyone when no credentials were needed; its repository digest; the reference pointed as an import
     * points it (the move itself is recorded by an {@code ImageReferenceMoved} of its own).
     */
    void pulled(String imageId, String reference, List<String> layers, long size, Instant at, Actor actor,
                boolean withCredentials, String manifestDigest) {
        provided(imageId, layers, size, at, actor, !withCredentials);
        String ref = ImageReference.normalizedOrAsIs(reference);
        if (manifestDigest != null && !manifestDigest.isEmpty()) {
            digest(imageId, ImageQueries.repositoryOf(ref) + "@" + manifestDigest);
        }
        if (!ref.contains("@")) {
            point(ref, imageId, actor, false);
        }
    }

    /** A repository digest ({@code busybox@sha256:…}, the manifest it was pulled or pushed as) of an image. */
    void digest(String imageId, String repositoryDigest) {
        images.get(imageId).ifPresent(row -> {
            if (!row.digests().contains(repositoryDigest)) {
                List<String> more = new ArrayList<>(row.digests());
                more.add(repositoryDigest);
                images.put(imageId, new ImageRow(row.id(), row.layers(), row.size(), row.created(), more,
                        row.holders(), row.anyone()));
            }
            digests.put(repositoryDigest, new String[] {repositoryDigest, imageId});
        });
    }

    /**
     * Points a reference at an image. Its owner becomes the actor when it moves (or {@code always}, for
     * an explicit move); a reference that already points there keeps its owner.
     */
    private void point(String reference, String imageId, Actor actor, boolean always) {
        String ref = ImageReference.normalizedOrAsIs(reference);
        Optional<ReferenceView> current = refs.get(ref);
        if (!always && current.isPresent() && current.get().imageId().equals(imageId)) {
            return;
        }
        refs.put(ref, new ReferenceView(ref, imageId, actor.uid(), actor.user()));
    }

    @Override
    public List<ImageView> candidates(String ref) {
        return reading(() -> {
            Map<String, ImageRow> found = new LinkedHashMap<>();
            String id = ref.startsWith("sha256:") ? ref : "sha256:" + ref;
            rows("SELECT doc FROM image_entry WHERE id = ?", id).forEach(r -> found.put(r.id(), r));
            if (ImageReference.isIdLike(ref)) {
                rows("SELECT doc FROM image_entry WHERE id LIKE ?", id + "%").forEach(r -> found.put(r.id(), r));
            }
            try {
                ImageReference parsed = ImageReference.parse(ref);
                List<String> ids = parsed.byDigest()
                        ? strings("SELECT image_id FROM image_digest WHERE repo_digest = ?",
                                parsed.repository() + "@" + parsed.digest())
                        : strings("SELECT image_id FROM image_ref WHERE ref = ?", parsed.familiar());
                for (String imageId : ids) {
                    rows("SELECT doc FROM image_entry WHERE id = ?", imageId).forEach(r -> found.put(r.id(), r));
                }
                if (parsed.byDigest()) {
                    rows("SELECT doc FROM image_entry WHERE id = ?", parsed.digest()).forEach(r -> found.put(r.id(), r));
                }
            } catch (DomainException notAName) {
                // an id or a prefix only
            }
            List<ImageView> out = new ArrayList<>();
            for (ImageRow r : found.values()) {
                out.add(r.view(strings("SELECT ref FROM image_ref WHERE image_id = ? ORDER BY ref", r.id())));
            }
            return out;
        });
    }

    @Override
    public List<ImageView> list() {
        return reading(() -> {
            Map<String, List<String>> tags = new HashMap<>();
            query("SELECT ref, image_id FROM image_ref ORDER BY ref", List.of(),
                    rs -> tags.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(1)));
            List<ImageView> out = new ArrayList<>();
            for (ImageRow r : rows("SELECT doc FROM image_entry ORDER BY created DESC")) {
                out.add(r.view(tags.getOrDefault(r.id(), List.of())));
            }
            return out;
        });
    }

    @Override
    public Optional<ReferenceView> reference(String normalized) {
        return reading(() -> {
            List<ReferenceView> out = new ArrayList<>();
            query("SELECT ref, image_id, owner_uid, owner_user FROM image_ref WHERE ref = ?", List.of(normalized),
                    rs -> out.add(new ReferenceView(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4))));
            return out.stream().findFirst();
        });
    }

    private List<ImageRow> rows(String sql, String... params) {
        List<ImageRow> out = new ArrayList<>();
        query(sql, List.of(params), rs -> {
            try {
                out.add(JSON.readValue(rs.getString(1), ImageRow.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("unreadable image row: " + e.getOriginalMessage(), e);
            }
        });
        return out;
    }

    private List<String> strings(String sql, String... params) {
        List<String> out = new ArrayList<>();
        query(sql, List.of(params), rs -> out.add(rs.getString(1)));
        return out;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, List<String> params, RowReader reader) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw failed("read the images read model", e);
        }
    }
}
