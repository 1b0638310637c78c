package dev.tally.projections;

import dev.tally.domain.audit.query.AuditFilter;
import dev.tally.domain.audit.query.AuditQueries;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.image.ImageReference;
import dev.tally.store.EventLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The audit read model: for every stored event, of every type, what its record is searched by (user,
 * action, container, image, refusal, time), packed {@link AuditBlock#SIZE} records to a row; and for
 * every container, where in the log its records lie, with its name and image. A query picks the
 * matching records from the blocks and rebuilds each from its stored event ({@link AuditRecords}
 * for the mapping), so the documents themselves are never stored twice. Rows are only ever added.
 */
public class AuditProjection extends ViewStore implements AuditQueries {

    /** Blocks read per query page, and records rebuilt per read of the log. */
    private static final int BLOCKS_PER_PAGE = 256;
    private static final int RECORDS_PER_FETCH = 500;

    static final ViewTable<AuditBlock> BLOCKS = blocks("audit_block", true);

    /**
     * The block being filled, in a table of its own: each live event rewrites it, and in the table of the
     * sealed blocks it shared a page with the newest of them, so every commit wrote that page too (some
     * 7 KB of the 46 KB a commit wrote, issue 12).
     */
    static final ViewTable<AuditBlock> OPEN = blocks("audit_open", false);

    private static ViewTable<AuditBlock> blocks(String table, boolean sealed) {
        return new ViewTable<>(table, "block_key",
                List.of("block_key", "first_seq", "last_seq", "min_at", "max_at", "entries", "data"),
                "block_key VARCHAR(20) PRIMARY KEY, first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL, "
                        + "min_at TIMESTAMP(9) WITH TIME ZONE, max_at TIMESTAMP(9) WITH TIME ZONE, entries INT NOT NULL, "
                        + "data VARBINARY(1000000) NOT NULL",
                Map.of(), sealed,
                (ps, b) -> {
                    ps.setString(1, b.key());
                    ps.setLong(2, b.firstSeq());
                    ps.setLong(3, b.lastSeq());
                    ps.setObject(4, utc(b.minAt()));
                    ps.setObject(5, utc(b.maxAt()));
                    ps.setInt(6, b.entries().size());
                    ps.setBytes(7, b.encode());
                },
                rs -> AuditBlock.decode(rs.getString("block_key"), rs.getBytes("data")));
    }

    /**
     * Where in the log the records of one container lie (key: its id, or {@code name:NAME} for a
     * refusal about a container that did not exist), and how records name it. A query about a
     * container reads only that span of the log; its end is an upper bound ({@link #SPAN_AHEAD}).
     */
    record ContainerSpan(String key, String containerId, String containerName, String image, String imageId,
                         long firstSeq, long lastSeq) {
    }

    static final ViewTable<ContainerSpan> SPANS = new ViewTable<>("audit_span", "span_key",
            List.of("span_key", "container_id", "container_name", "image", "image_id", "first_seq", "last_seq"),
            "span_key VARCHAR(300) PRIMARY KEY, container_id VARCHAR(64) NOT NULL, container_name VARCHAR(255) NOT NULL, "
                    + "image VARCHAR(512) NOT NULL, image_id VARCHAR(71) NOT NULL, first_seq BIGINT NOT NULL, "
                    + "last_seq BIGINT NOT NULL",
            Map.of("name", "container_name"), false,
            (ps, span) -> {
                ps.setString(1, span.key());
                ps.setString(2, span.containerId());
                ps.setString(3, span.containerName());
                ps.setString(4, span.image());
                ps.setString(5, span.imageId());
                ps.setLong(6, span.firstSeq());
                ps.setLong(7, span.lastSeq());
            },
            rs -> new ContainerSpan(rs.getString("span_key"), rs.getString("container_id"), rs.getString("container_name"),
                    rs.getString("image"), rs.getString("image_id"), rs.getLong("first_seq"), rs.getLong("last_seq")));

    /**
     * How far past a record its container's span is said to reach. A span's last sequence number is an
     * upper bound (queries match records by their span's first one, so a longer span finds the same
     * records): rewriting the span's row with every record of its container was a third of what each
     * commit wrote (issue 12), and with this margin a container's short life writes its row once.
     */
    static final long SPAN_AHEAD = AuditBlock.SIZE - 1;

    /** The tables of the first audit model (a row and a JSON document per event), replaced by the above. */
    private static final List<String> FORMER_TABLES = List.of("audit_event", "audit_container");

    private final Rows<AuditBlock> blocks;
    private final Rows<AuditBlock> open;
    private final Rows<ContainerSpan> spans;
    private final Function<String, Optional<AuditRecords.KnownContainer>> containers;
    private final EventLog log;
    /** During a replay: the block being filled, written when full and at the end of the log. */
    private AuditBlock filling;

    /**
     * A record names the container (and its image) that its event only knows by id as the
     * container's span does: from its creation.
     *
     * @param log where a query reads the events of the records it answers
     */
    AuditProjection(ConnectionProvider connections, ViewStorage storage, EventLog log) {
        super(connections, storage);
        this.blocks = storage.rows(BLOCKS);
        this.open = storage.rows(OPEN);
        this.spans = storage.rows(SPANS);
        this.containers = id -> spans.get(id).filter(span -> span.containerId().equals(id))
                .map(span -> new AuditRecords.KnownContainer(id, span.containerName(), span.image(), span.imageId()));
        this.log = log;
    }

    @Override
    List<ViewTable<?>> tables() {
        return List.of(BLOCKS, OPEN, SPANS);
    }

    @Override
    boolean createMissingTables() {
        boolean missing = super.createMissingTables();
        if (storage().live()) {
            try (Connection c = connection(); Statement s = c.createStatement()) {
                for (String table : FORMER_TABLES) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
            } catch (SQLException e) {
                throw failed("drop the former audit tables", e);
            }
        }
        return missing;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) {
        long seq = seqOf(event);
        AuditRow row = AuditRecords.searched(seq, event.getTimestamp(), payload, containers);
        long spanSeq = -1;
        if (!row.containerId().isEmpty() || !row.containerName().isEmpty()) {
            String key = row.containerId().isEmpty() ? "name:" + row.containerName() : row.containerId();
            Optional<ContainerSpan> stored = spans.get(key);
            ContainerSpan span = stored.orElse(new ContainerSpan(key, row.containerId(), row.containerName(),
                    row.image(), row.imageId(), seq, seq));
            ContainerSpan grown = new ContainerSpan(key, span.containerId(),
                    span.containerName().isEmpty() ? row.containerName() : span.containerName(),
                    span.image().isEmpty() ? row.image() : span.image(),
                    span.imageId().isEmpty() ? row.imageId() : span.imageId(), span.firstSeq(),
                    seq <= span.lastSeq() && stored.isPresent() ? span.lastSeq() : seq + SPAN_AHEAD);
            if (!grown.equals(span) || stored.isEmpty()) {
                spans.put(key, grown);
            }
            spanSeq = span.firstSeq();
            if (payload instanceof ContainerRemoved || payload instanceof ContainerCreateFailed) {
                spans.settle(key);
            }
        }
        append(new AuditBlock.Entry(seq, row.at(), row.username(), row.action(), row.denied(), spanSeq,
                spanSeq < 0 ? row.image() : "", spanSeq < 0 ? row.imageId() : ""));
    }

    /** Live, the open block is read and written back with each record; in a replay it is held. */
    private void append(AuditBlock.Entry entry) {
        AuditBlock block = storage().live() ? open.get(AuditBlock.OPEN).orElseGet(AuditBlock::empty)
                : filling == null ? AuditBlock.empty() : filling;
        block.add(entry);
        if (block.full()) {
            AuditBlock sealed = block.sealed();
            blocks.put(sealed.key(), sealed);
            block = AuditBlock.empty();
        }
        if (storage().live()) {
            open.put(AuditBlock.OPEN, block);
        } else {
            filling = block;
        }
    }

    @Override
    void endOfLog() {
        if (!storage().live()) {
            open.put(AuditBlock.OPEN, filling == null ? AuditBlock.empty() : filling);
            filling = null;
        }
    }

    /** A replayed event carries its position; a live one is looked up in the log by its id. */
    private long seqOf(EventMessage<?> event) {
        if (event instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null
                && tracked.trackingToken().position().isPresent()) {
            return tracked.trackingToken().position().getAsLong();
        }
        return log.sequenceOf(event.getIdentifier());
    }

    @Override
    public void log(AuditFilter filter, Consumer<String> line) {
        AuditSelection selection = reading(() -> select(filter));
        if (selection == null) {
            return;
        }
        long left = filter.limit() > 0 ? filter.limit() : Long.MAX_VALUE;
        String afterKey = "";
        List<Long> matched = new ArrayList<>();
        while (left > 0) {
            List<AuditBlock> page = blocks(afterKey, selection);
            for (AuditBlock block : page) {
                for (AuditBlock.Entry e : block.entries()) {
                    if (matched.size() < left && selection.matches(e)) {
                        matched.add(e.seq());
                    }
                }
                if (matched.size() >= Math.min(left, RECORDS_PER_FETCH)) {
                    left -= emit(matched, filter.level(), line);
                    matched.clear();
                }
                afterKey = block.key();
            }
            if (page.size() < BLOCKS_PER_PAGE) {
                break;
            }
        }
        if (left > 0) {
            emit(matched, filter.level(), line);
        }
    }

    /** What a filter asks for, with containers and images resolved; null when nothing can match. */
    private AuditSelection select(AuditFilter filter) {
        AuditSelection selection = new AuditSelection(filter);
        try (Connection c = connection()) {
            if (present(filter.container())) {
                String name = filter.container().startsWith("/") ? filter.container().substring(1) : filter.container();
                if (!selection.inContainers(spanSeqs(c, "SELECT first_seq, last_seq FROM audit_span WHERE container_name = ? "
                        + "OR container_id = ? OR (LENGTH(?) >= 4 AND container_id LIKE ?)", name, name, name, name + "%"))) {
                    return null;
                }
            }
            if (present(filter.image())) {
                String ref = ImageReference.normalizedOrAsIs(filter.image());
                String id = filter.image().startsWith("sha256:") ? filter.image() : "sha256:" + filter.image();
                selection.ofImage(ref, id, spanSeqs(c, "SELECT first_seq, last_seq FROM audit_span WHERE image = ? "
                        + "OR (LENGTH(?) >= 11 AND image_id LIKE ?)", ref, id, id + "%"));
            }
            return selection;
        } catch (SQLException e) {
            throw failed("find the containers of an audit query", e);
        }
    }

    /** The first and last sequence numbers of each container span the query finds. */
    private static List<long[]> spanSeqs(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<long[]> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            return found;
        }
    }

    /**
     * The next page of blocks that may hold matching records, after the one keyed {@code afterKey}: the
     * sealed ones, then the open one (its key sorts after theirs). One statement reads both tables, so it
     * sees them as of one moment: a block sealed meanwhile is in neither or in the sealed ones only.
     */
    private List<AuditBlock> blocks(String afterKey, AuditSelection selection) {
        StringBuilder where = new StringBuilder(" WHERE block_key > ? AND entries > 0 AND last_seq >= ? AND first_seq <= ?");
        List<Object> params = new ArrayList<>(List.of(afterKey, selection.fromSeq(), selection.toSeq()));
        if (selection.since() != null) {
            where.append(" AND max_at >= ?");
            params.add(utc(selection.since()));
        }
        if (selection.until() != null) {
            where.append(" AND min_at <= ?");
            params.add(utc(selection.until()));
        }
        params.addAll(List.copyOf(params));
        String sql = "(SELECT block_key, data FROM " + BLOCKS.name() + where + " ORDER BY block_key LIMIT " + BLOCKS_PER_PAGE
                + ") UNION ALL (SELECT block_key, data FROM " + OPEN.name() + where + ") ORDER BY block_key LIMIT "
                + BLOCKS_PER_PAGE;
        return reading(() -> {
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                List<AuditBlock> page = new ArrayList<>(BLOCKS_PER_PAGE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        page.add(AuditBlock.decode(rs.getString(1), rs.getBytes(2)));
                    }
                }
                return page;
            } catch (SQLException e) {
                throw failed("read the audit log", e);
            }
        });
    }

    /** Rebuilds the records with these sequence numbers from their events and hands them over; returns how many. */
    private int emit(List<Long> seqs, AuditFilter.Level level, Consumer<String> line) {
        if (seqs.isEmpty()) {
            return 0;
        }
        List<String> records = reading(() -> {
            // Each container is looked up once per batch, as the live records looked it up.
            Map<String, Optional<AuditRecords.KnownContainer>> seen = new HashMap<>();
            Function<String, Optional<AuditRecords.KnownContainer>> known = id -> seen.computeIfAbsent(id, containers);
            List<String> docs = new ArrayList<>(seqs.size());
            log.fetch(seqs, event -> {
                String doc = AuditRecords.of(event.seq(), event.id(), event.stored(), event.payload(), known).doc();
                docs.add(level == AuditFilter.Level.REQUEST ? withRequest(doc, event.serialized()) : doc);
            });
            return docs;
        });
        records.forEach(line);
        return records.size();
    }

    private static java.time.OffsetDateTime utc(java.time.Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
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
}
