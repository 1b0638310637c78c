package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.query.ContainerView;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Docker's {@code filters} query parameter: {@code {"name":{"web":true}}} or {@code {"name":["web"]}}. */
final class Filters {

    private Filters() {
    }

    static Map<String, List<String>> parse(String raw) {
        Map<String, List<String>> out = new HashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        try {
            JsonObject o = new JsonObject(raw);
            for (String key : o.fieldNames()) {
                Object v = o.getValue(key);
                List<String> values = new ArrayList<>();
                if (v instanceof JsonObject m) {
                    values.addAll(m.fieldNames());
                } else if (v instanceof io.vertx.core.json.JsonArray a) {
                    a.forEach(x -> values.add(String.valueOf(x)));
                }
                out.put(key, values);
            }
            return out;
        } catch (DecodeException | ClassCastException e) {
            throw DomainException.invalid("invalid filter: " + raw);
        }
    }

    static boolean matches(ContainerView v, Map<String, List<String>> filters) {
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            boolean any = switch (f.getKey()) {
                case "status" -> f.getValue().contains(v.status().dockerName());
                case "name" -> f.getValue().stream().anyMatch(n -> v.name().contains(n.startsWith("/") ? n.substring(1) : n));
                case "id" -> f.getValue().stream().anyMatch(v.id()::startsWith);
                case "ancestor" -> f.getValue().stream().anyMatch(a -> a.equals(v.config().image())
                        || v.imageId().startsWith(a.startsWith("sha256:") ? a : "sha256:" + a));
                case "label" -> f.getValue().stream().anyMatch(l -> {
                    int eq = l.indexOf('=');
                    return eq < 0 ? v.config().labels().containsKey(l)
                            : l.substring(eq + 1).equals(v.config().labels().get(l.substring(0, eq)));
                });
                default -> throw DomainException.invalid("invalid filter '" + f.getKey() + "'");
            };
            if (!any) {
                return false;
            }
        }
        return true;
    }
}
