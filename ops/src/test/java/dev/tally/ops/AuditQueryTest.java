package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.audit.query.AuditFilter;
import dev.tally.projections.ReadModels;
import dev.tally.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit queries pick records from packed blocks of index entries, then rebuild each from its
 * event: every filter must answer exactly what a scan of every record, filtered by its document,
 * answers. Thousands of events (many blocks, several reads of the log per query) in a real H2 store.
 */
class AuditQueryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Store store;
    private ReadModels models;
    private List<JsonNode> all;

    @BeforeEach
    void fillAndReplay() throws Exception {
        store = Store.open(Store.h2File(dir.resolve("events/tally")));
        long events = AuditBenchmark.fill(store, 3_000);
        models = new ReadModels(store, "jdbc:h2:mem:");
        models.createMissingTables();
        assertEquals(events, models.replay().events());
        all = records(AuditFilter.from(0, null));
        assertEquals(events, all.size(), "one record an event");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void everyFilterAnswersWhatAScanOfEveryRecordAnswers() {
        JsonNode middle = all.get(all.size() / 2);
        Instant since = Instant.parse(all.get(700).path("requestReceivedTimestamp").asText());
        Instant until = Instant.parse(all.get(2100).path("requestReceivedTimestamp").asText());
        String container = all.stream().filter(r -> r.path("action").asText().equals("container.create")).skip(150)
                .findFirst().orElseThrow().path("objectRef").path("name").asText();
        String idPrefix = all.stream().filter(r -> r.path("objectRef").path("name").asText().equals(container))
                .findFirst().orElseThrow().path("objectRef").path("id").asText().substring(0, 12);

        check(filter("alice", null, null, null, false, null, null), r -> user(r).equals("alice"));
        check(filter(null, null, null, "container.start", false, null, null), r -> action(r).equals("container.start"));
        check(filter(null, null, null, "exec", false, null, null), r -> action(r).endsWith(".exec"));
        check(filter(null, null, null, null, true, null, null), r -> r.path("outcome").asText().equals("denied"));
        check(filter(null, container, null, null, false, null, null), r -> about(r, container));
        check(filter(null, idPrefix, null, null, false, null, null),
                r -> r.path("objectRef").path("id").asText().startsWith(idPrefix));
        check(filter(null, null, "busybox", null, false, null, null),
                r -> r.path("objectRef").path("image").asText().equals("busybox:latest"));
        check(filter(null, null, null, null, false, since, until), r -> within(r, since, until));
        check(filter("bob", null, null, "stop", false, since, null), r -> user(r).equals("bob")
                && action(r).equals("container.stop") && within(r, since, null));
        check(filter("mallory", null, null, null, true, null, until), r -> user(r).equals("mallory") && within(r, null, until));
        check(filter("nobody", null, null, null, false, null, null), r -> false);
        assertTrue(records(filter(null, "no-such-container", null, null, false, null, null)).isEmpty());

        long from = middle.path("seq").asLong();
        assertEquals(all.subList(all.size() / 2, all.size()), records(AuditFilter.from(from, null)), "export from a seq");
        assertEquals(all.subList(all.size() / 2, all.size() / 2 + 250), records(new AuditFilter(null, null, null, null, false,
                null, null, from, 250, null)), "an export with a limit");
        List<JsonNode> alice = all.stream().filter(r -> user(r).equals("alice")).toList();
        assertEquals(alice.subList(0, 333), records(new AuditFilter("alice", null, null, null, false, null, null, 0, 333,
                null)), "a limit is the first records, across reads of the log");
    }

    /** The live path (a read-modify-write of the open block per event) leaves exactly what a replay writes. */
    @Test
    void recordsWrittenLiveEqualTheReplayedOnes() throws Exception {
        Map<String, List<String>> replayed = dumpAuditTables();
        try (Connection c = store.connections().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM audit_block");
            s.execute("DELETE FROM audit_open");
            s.execute("DELETE FROM audit_span");
        }
        AnnotationEventHandlerAdapter live = new AnnotationEventHandlerAdapter(models.audit());
        try (var events = store.engine().readEvents(null, false)) {
            events.forEach(event -> {
                try {
                    live.handle(event);
                } catch (Exception e) {
                    throw new AssertionError("live handling of " + event.getPayloadType(), e);
                }
            });
        }
        Map<String, List<String>> written = dumpAuditTables();
        assertTrue(written.get("audit_block").size() > 40, "many blocks were sealed live");
        assertEquals(replayed, written);
        assertEquals(all, records(AuditFilter.from(0, null)));
    }

    /** An event that cannot be read stops a replay with an error (no hang) and leaves the models as they were. */
    @Test
    void aReplayThatCannotReadAnEventFailsAndKeepsTheModels() throws Exception {
        Map<String, List<String>> before = dumpAuditTables();
        try (Connection c = store.connections().getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE DomainEventEntry SET payload = X'7b7b' WHERE globalIndex = 1500");
        }
        RuntimeException failed = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> assertThrows(RuntimeException.class, models::replay));
        assertTrue(String.valueOf(failed.getMessage()).startsWith("read event 1500 ("), failed.getMessage());
        assertEquals(before, dumpAuditTables());
    }

    private Map<String, List<String>> dumpAuditTables() throws Exception {
        Map<String, List<String>> tables = new TreeMap<>();
        try (Connection c = store.connections().getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("audit_block", "audit_open", "audit_span")) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            row.append(rs.getString(i)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table, rows);
            }
        }
        return tables;
    }

    private void check(AuditFilter filter, Predicate<JsonNode> oracle) {
        List<JsonNode> expected = all.stream().filter(r -> r.path("seq").asLong() >= 0).filter(oracle).toList();
        List<JsonNode> answered = records(filter);
        assertEquals(expected.size(), answered.size(), "how many for " + filter);
        assertEquals(expected, answered, filter.toString());
        if (filter.user() != null && !filter.user().equals("nobody")) {
            assertFalse(answered.isEmpty(), "the test finds records for " + filter);
        }
    }

    private List<JsonNode> records(AuditFilter filter) {
        List<JsonNode> out = new ArrayList<>();
        models.audit().log(filter, line -> {
            try {
                out.add(JSON.readTree(line));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        });
        return out;
    }

    private static AuditFilter filter(String user, String container, String image, String action, boolean denied,
                                      Instant since, Instant until) {
        return new AuditFilter(user, container, image, action, denied, since, until, 0, 0, null);
    }

    private static String user(JsonNode r) {
        return r.path("user").path("username").asText();
    }

    private static String action(JsonNode r) {
        return r.path("action").asText();
    }

    private static boolean about(JsonNode r, String container) {
        JsonNode ref = r.path("objectRef");
        return ref.path("resource").asText().equals("containers") && ref.path("name").asText().equals(container);
    }

    private static boolean within(JsonNode r, Instant since, Instant until) {
        Instant at = Instant.parse(r.path("requestReceivedTimestamp").asText());
        return (since == null || !at.isBefore(since)) && (until == null || !at.isAfter(until));
    }
}
