package dev.tally.projections;

import dev.tally.domain.audit.query.AuditFilter;
import dev.tally.domain.audit.query.AuditQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.ImageReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;

/**
 * The audit read model: one row per stored event, every type included, searchable by user,
 * container, image, action, refusal and time, with the whole record as JSON (see {@link AuditRecords}
 * for the mapping). Rows are only ever added.
 */
public class AuditProjection extends ViewStore implements AuditQueries {

    private static final int PAGE = 2000;

    static final ViewTable<AuditRow> TABLE = new ViewTable<>("audit_event", "seq",
            List.of("seq", "at", "username", "uid", "action", "resource", "object_id", "object_name", "container_id",
                    "container_name", "image", "image_id", "denied", "outcome", "code", "doc"),
            "seq BIGINT PRIMARY KEY, at TIMESTAMP(9) WITH TIME ZONE NOT NULL, username VARCHAR(255) NOT NULL, "
                    + "uid INT NOT NULL, action VARCHAR(128) NOT NULL, resource VARCHAR(64) NOT NULL, "
                    + "object_id VARCHAR(128) NOT NULL, object_name VARCHAR(512) NOT NULL, "
                    + "container_id VARCHAR(64) NOT NULL, container_name VARCHAR(255) NOT NULL, "
                    + "image VARCHAR(512) NOT NULL, image_id VARCHAR(71) NOT NULL, denied BOOLEAN NOT NULL, "
                    + "outcome VARCHAR(16) NOT NULL, code INT NOT NULL, doc VARCHAR(1000000) NOT NULL",
            Map.of("user", "username, seq"), true,
            (ps, r) -> {
                ps.setLong(1, r.seq());
                ps.setObject(2, r.at().atOffset(ZoneOffset.UTC));
                ps.setString(3, r.username());
                ps.setInt(4, r.uid());
                ps.setString(5, r.action());
                ps.setString(6, r.resource());
                ps.setString(7, r.objectId());
                ps.setString(8, r.objectName());
                ps.setString(9, r.containerId());
                ps.setString(10, r.containerName());
                ps.setString(11, r.image());
                ps.setString(12, r.imageId());
                ps.setBoolean(13, r.denied());
                ps.setString(14, r.outcome());
                ps.setInt(15, r.code());
                ps.setString(16, r.doc());
            },
            rs -> new AuditRow(rs.getLong("seq"), rs.getObject("at", java.time.OffsetDateTime.class).toInstant(),
                    rs.getString("username"), rs.getInt("uid"), rs.getString("action"), rs.getString("resource"),
                    rs.getString("object_id"), rs.getString("object_name"), rs.getString("container_id"),
                    rs.getString("container_name"), rs.getString("image"), rs.getString("image_id"),
                    rs.getBoolean("denied"), rs.getString("outcome"), rs.getInt("code"), rs.getString("doc")));

    /**
     * Where in the log the records of one container lie (key: its id, or {@code name:NAME} for a
     * refusal about a container that did not exist). A query about a container reads only that
     * span of the log: an index on the container of each record would cost every write a random
     * insert into a large tree, which made a replay several times slower.
     */
    record ContainerSpan(String key, String containerId, String containerName, long firstSeq, long lastSeq) {
    }

    static final ViewTable<ContainerSpan> SPANS = new ViewTable<>("audit_container", "span_key",
            List.of("span_key", "container_id", "container_name", "first_seq", "last_seq"),
            "span_key VARCHAR(300) PRIMARY KEY, container_id VARCHAR(64) NOT NULL, container_name VARCHAR(255) NOT NULL, "
                    + "first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL",
            Map.of("name", "container_name"), false,
            (ps, span) -> {
                ps.setString(1, span.key());
                ps.setString(2, span.containerId());
                ps.setString(3, span.containerName());
                ps.setLong(4, span.firstSeq());
                ps.setLong(5, span.lastSeq());
            },
            rs -> new ContainerSpan(rs.getString("span_key"), rs.getString("container_id"), rs.getString("container_name"),
                    rs.getLong("first_seq"), rs.getLong("last_seq")));

    private final Rows<AuditRow> rows;
    private final Rows<ContainerSpan> spans;
    private final Function<String, Optional<ContainerView>> containers;

    /**
     * @param containers the containers model fed by the same events: a record names the container
     *                   (and its image) that an event only knows by id
     */
    AuditProjection(ConnectionProvider connections, ViewStorage storage, ContainerProjection containers) {
        super(connections, storage);
        this.rows = storage.rows(TABLE);
        this.spans = storage.rows(SPANS);
        this.containers = containers::view;
    }

    @Override
    List<ViewTable<?>> tables() {
        return List.of(TABLE, SPANS);
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) {
        long seq = seqOf(event);
        AuditRow row = AuditRecords.of(seq, event.getIdentifier(), event.getTimestamp(), payload, containers);
        rows.put(Long.toString(seq), row);
        if (!row.containerId().isEmpty() || !row.containerName().isEmpty()) {
            String key = row.containerId().isEmpty() ? "name:" + row.containerName() : row.containerId();
            ContainerSpan span = spans.get(key).orElse(new ContainerSpan(key, row.containerId(), row.containerName(), seq,
                    seq));
            spans.put(key, new ContainerSpan(key, span.containerId(),
                    span.containerName().isEmpty() ? row.containerName() : span.containerName(), span.firstSeq(), seq));
        }
    }

    /** A replayed event carries its position; a live one is looked up in the log by its id. */
    private long seqOf(EventMessage<?> event) {
        if (event instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null
                && tracked.trackingToken().position().isPresent()) {
            return tracked.trackingToken().position().getAsLong();
        }
        try (Connection c = connection()) {
            return EventLog.seqOf(c, event.getIdentifier());
        } catch (SQLException e) {
            throw failed("find event " + event.getIdentifier() + " in the log", e);
        }
    }

    @Override
    public void log(AuditFilter filter, Consumer<String> line) {
        StringBuilder where = new StringBuilder(" WHERE seq >= ?");
        List<Object> params = new ArrayList<>();
        params.add(Math.max(0, filter.fromSeq()));
        long from = Math.max(0, filter.fromSeq());
        if (present(filter.user())) {
            where.append(" AND username = ?");
            params.add(filter.user());
        }
        if (present(filter.container())) {
            String c = filter.container().startsWith("/") ? filter.container().substring(1) : filter.container();
            long[] span = span(c);
            if (span == null) {
                return;
            }
            from = Math.max(from, span[0]);
            where.append(" AND seq <= ? AND (container_name = ? OR container_id = ? OR (LENGTH(?) >= 4 AND container_id LIKE ?))");
            params.addAll(List.of(span[1], c, c, c, c + "%"));
        }
        if (present(filter.image())) {
            String ref = normalizedOrAsIs(filter.image());
            String id = filter.image().startsWith("sha256:") ? filter.image() : "sha256:" + filter.image();
            where.append(" AND (image = ? OR (LENGTH(?) >= 11 AND image_id LIKE ?))");
            params.addAll(List.of(ref, id, id + "%"));
        }
        if (present(filter.action())) {
            where.append(filter.action().contains(".") ? " AND action = ?" : " AND action LIKE ?");
            params.add(filter.action().contains(".") ? filter.action() : "%." + filter.action());
        }
        if (filter.deniedOnly()) {
            where.append(" AND denied");
        }
        if (filter.since() != null) {
            where.append(" AND at >= ?");
            params.add(filter.since().atOffset(ZoneOffset.UTC));
        }
        if (filter.until() != null) {
            where.append(" AND at <= ?");
            params.add(filter.until().atOffset(ZoneOffset.UTC));
        }
        // The planner, left alone, walks the primary key for a frequent user; the index on
        // (user, seq) finds the user's records at once. A container is found by its span (above).
        String index = present(filter.user()) ? " USE INDEX (audit_event_user)" : "";
        int page = filter.limit() > 0 ? Math.min(PAGE, filter.limit()) : PAGE;
        boolean request = filter.level() == AuditFilter.Level.REQUEST;
        // With the user fixed, ordering by (user, seq) is ordering by seq, and only then does H2
        // read the index in order instead of sorting every record of the user for each page.
        String order = present(filter.user()) ? " ORDER BY username, seq LIMIT " : " ORDER BY seq LIMIT ";
        String sql = request
                ? "SELECT a.seq, a.doc, e.payload FROM audit_event a" + index
                        + " JOIN DomainEventEntry e ON e.globalIndex = a.seq" + where + order + page
                : "SELECT seq, doc FROM audit_event" + index + where + order + page;
        long left = filter.limit() > 0 ? filter.limit() : Long.MAX_VALUE;
        while (left > 0) {
            params.set(0, from);
            List<String> docs = new ArrayList<>(page);
            long last = page(sql, params, docs);
            for (String doc : docs) {
                if (left-- <= 0) {
                    break;
                }
                line.accept(doc);
            }
            if (docs.size() < page) {
                return;
            }
            from = last + 1;
        }
    }

    /** The first and last sequence numbers of the records about containers named or id'd so; null if none. */
    private long[] span(String container) {
        return reading(() -> {
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT MIN(first_seq), MAX(last_seq) FROM audit_container WHERE container_name = ? OR container_id = ? "
                            + "OR (LENGTH(?) >= 4 AND container_id LIKE ?)")) {
                ps.setString(1, container);
                ps.setString(2, container);
                ps.setString(3, container);
                ps.setString(4, container + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long first = rs.getLong(1);
                    return rs.wasNull() ? null : new long[] {first, rs.getLong(2)};
                }
            } catch (SQLException e) {
                throw failed("find container " + container + " in the audit log", e);
            }
        });
    }

    /** Reads one page of documents; returns the last sequence number read. */
    private long page(String sql, List<Object> params, List<String> into) {
        return reading(() -> {
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                long last = -1;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        into.add(rs.getMetaData().getColumnCount() == 3 ? withRequest(rs.getString(2), rs.getBytes(3))
                                : rs.getString(2));
                    }
                }
                return last;
            } catch (SQLException e) {
                throw failed("read the audit log", e);
            }
        });
    }

    /** The record at level Request: the stored event (the request as the daemon understood it) added. */
    private static String withRequest(String doc, byte[] payload) {
        String request = doc.replaceFirst("\"level\":\"Metadata\"", "\"level\":\"Request\"");
        return request.substring(0, request.length() - 1) + ",\"requestObject\":"
                + new String(payload, java.nio.charset.StandardCharsets.UTF_8) + "}";
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    private static String normalizedOrAsIs(String image) {
        try {
            return ImageReference.normalize(image);
        } catch (dev.tally.domain.DomainException notAName) {
            return image;
        }
    }
}
