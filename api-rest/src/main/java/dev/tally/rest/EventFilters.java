package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageReference;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code filters} of {@code GET /events}, as dockerd applies them (moby's daemon/events/filter.go)
 * to a message in Docker's shape: every key given must match (AND), any value of a key may (OR),
 * except {@code label}, where every value must. Keys dockerd knows for objects tally does not have
 * yet (network, daemon, plugin, node, service, secret, config) match nothing; {@code user} is
 * tally's own (the user who caused the event); any other key is INVALID, before the stream starts.
 */
final class EventFilters {

    private static final Set<String> KEYS = Set.of("type", "event", "container", "image", "label", "volume", "network",
            "daemon", "scope", "plugin", "node", "service", "secret", "config", "user");
    /** Actions dockerd matches by prefix (its own are {@code exec_start: sh -c …}). */
    private static final Set<String> BY_PREFIX = Set.of("exec_create", "exec_start", "health_status");

    private EventFilters() {
    }

    /** The filters, once each key is known; INVALID naming the first that is not. */
    static Map<String, List<String>> checked(Map<String, List<String>> filters) {
        for (String key : filters.keySet()) {
            if (!KEYS.contains(key)) {
                throw DomainException.invalid("invalid filter '" + key + "'");
            }
        }
        return filters;
    }

    static boolean matches(JsonObject e, Map<String, List<String>> filters) {
        String type = e.getString("Type");
        JsonObject actor = e.getJsonObject("Actor");
        String id = actor.getString("ID");
        JsonObject attrs = actor.getJsonObject("Attributes");
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> v = f.getValue();
            boolean ok = switch (f.getKey()) {
                case "type" -> v.contains(type);
                case "event" -> v.stream().anyMatch(x -> x.equals(e.getString("Action"))
                        || BY_PREFIX.contains(x) && e.getString("Action").startsWith(x));
                case "container" -> type.equals("container") && named(v, id, attrs.getString("name"));
                case "volume" -> type.equals("volume") && named(v, id, attrs.getString("name"));
                case "image" -> image(v, type, id, attrs);
                case "label" -> v.stream().allMatch(l -> label(l, attrs));
                case "scope" -> v.contains("local");
                case "user" -> v.contains(attrs.getString("tally.user"));
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** An id or a name, whole or its beginning (moby's fuzzy match). */
    private static boolean named(List<String> v, String id, String name) {
        return v.stream().anyMatch(x -> id.startsWith(x) || name != null && name.startsWith(x));
    }

    /**
     * A container's image as created, or an image's id or name; with or without its tag (as dockerd),
     * and however the name is written ({@code busybox}, {@code busybox:latest}, {@code docker.io/library/busybox}).
     */
    private static boolean image(List<String> v, String type, String id, JsonObject attrs) {
        String name = type.equals("image") ? attrs.getString("name") : attrs.getString("image");
        return v.stream().anyMatch(x -> x.equals(id) || x.equals(untagged(id)) || name != null && (x.equals(name)
                || x.equals(untagged(name)) || ImageReference.normalizedOrAsIs(x).equals(ImageReference.normalizedOrAsIs(name))));
    }

    private static String untagged(String ref) {
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        int at = ref.indexOf('@');
        if (at >= 0) {
            return ref.substring(0, at);
        }
        return colon > slash && !ref.startsWith("sha256:") ? ref.substring(0, colon) : ref;
    }

    /** {@code key} present, or {@code key=value} equal. */
    private static boolean label(String filter, JsonObject attrs) {
        int eq = filter.indexOf('=');
        if (eq < 0) {
            return attrs.containsKey(filter);
        }
        return filter.substring(eq + 1).equals(attrs.getString(filter.substring(0, eq)));
    }
}
