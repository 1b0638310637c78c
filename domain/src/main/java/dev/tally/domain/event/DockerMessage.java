package dev.tally.domain.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event as Docker's {@code /events} shows it. The edge adds what every message of a type carries:
 * for a container, its name and image first (as its creation gave them) and {@code status}, {@code
 * id}, {@code from}; for an image, {@code status} and {@code id}; and the actor last ({@code
 * tally.user}, {@code tally.uid}, {@code tally.source}).
 *
 * @param type       {@code Type}: container, image, volume, tally
 * @param action     {@code Action}: create, die, exec_start, access-denied …
 * @param id         {@code Actor.ID}
 * @param attributes {@code Actor.Attributes} of this event, in order
 */
public record DockerMessage(String type, String action, String id, Map<String, String> attributes) {

    public DockerMessage {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static DockerMessage container(String id, String action, String... attributes) {
        return new DockerMessage("container", action, id, pairs(attributes));
    }

    /** Attributes from name, value, name, value … in that order. */
    public static Map<String, String> pairs(String... nameValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }
}
