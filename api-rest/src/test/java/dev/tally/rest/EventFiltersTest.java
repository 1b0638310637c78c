package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code docker events --filter …} as dockerd applies them (issue 14). */
class EventFiltersTest {

    private static JsonObject event(String type, String action, String id, JsonObject attrs) {
        return new JsonObject().put("Type", type).put("Action", action)
                .put("Actor", new JsonObject().put("ID", id).put("Attributes", attrs));
    }

    private static final JsonObject START = event("container", "start", "c0ffee1234",
            new JsonObject().put("tier", "web").put("team", "a").put("name", "web-1").put("image", "busybox:latest")
                    .put("tally.user", "alice"));
    private static final JsonObject TAG = event("image", "tag", "sha256:beef",
            new JsonObject().put("name", "busybox:1").put("tally.user", "root"));
    private static final JsonObject VOLUME = event("volume", "create", "data", new JsonObject().put("driver", "local"));

    private static boolean shown(JsonObject e, String key, String... values) {
        return EventFilters.matches(e, Map.of(key, List.of(values)));
    }

    @Test
    void typeAndEventAreExact() {
        assertTrue(shown(START, "type", "container"));
        assertFalse(shown(TAG, "type", "container"));
        assertTrue(shown(START, "event", "die", "start"));
        assertFalse(shown(START, "event", "sta"));
    }

    @Test
    void execEventsMatchByTheirBeginningAsDockerdNamesThemWithTheCommand() {
        assertTrue(shown(event("container", "exec_start: sh -c true", "c0ffee", new JsonObject()), "event", "exec_start"));
    }

    @Test
    void aContainerIsNamedByItsIdOrNameOrTheirBeginning() {
        assertTrue(shown(START, "container", "c0ffee"));
        assertTrue(shown(START, "container", "web-1"));
        assertTrue(shown(START, "container", "web"));
        assertFalse(shown(START, "container", "db"));
        assertFalse(shown(VOLUME, "container", "data"), "only container events");
    }

    @Test
    void anImageMatchesWithOrWithoutItsTagAndByIdForImageEvents() {
        assertTrue(shown(START, "image", "busybox"));
        assertTrue(shown(START, "image", "busybox:latest"));
        assertTrue(shown(START, "image", "docker.io/library/busybox"));
        assertFalse(shown(START, "image", "busybox:1"));
        assertTrue(shown(TAG, "image", "busybox"));
        assertTrue(shown(TAG, "image", "sha256:beef"));
    }

    @Test
    void everyLabelGivenMustMatch() {
        assertTrue(shown(START, "label", "tier"));
        assertTrue(shown(START, "label", "tier=web", "team=a"));
        assertFalse(shown(START, "label", "tier=web", "team=b"));
        assertFalse(shown(TAG, "label", "tier"));
    }

    @Test
    void filtersOfDifferentKeysAllApply() {
        assertTrue(EventFilters.matches(START, Map.of("type", List.of("container"), "event", List.of("start"),
                "label", List.of("tier=web"), "user", List.of("alice"))));
        assertFalse(EventFilters.matches(START, Map.of("type", List.of("container"), "user", List.of("bob"))));
    }

    @Test
    void volumesScopesAndObjectsTallyDoesNotHave() {
        assertTrue(shown(VOLUME, "volume", "data"));
        assertTrue(shown(START, "scope", "local"));
        assertFalse(shown(START, "scope", "swarm"));
        assertFalse(shown(START, "network", "bridge"));
        assertFalse(shown(START, "daemon", "x"));
    }

    @Test
    void anUnknownKeyIsInvalidBeforeAnyEvent() {
        DomainException e = assertThrows(DomainException.class, () -> EventFilters.checked(Map.of("colour", List.of("red"))));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("colour"), e.getMessage());
    }
}
