package dev.tally.rest.body;

import java.util.Map;

/** The body of {@code POST /volumes/create}. An empty driver means the local one. */
public record VolumeCreateBody(String name, String driver, Map<String, String> labels) {
}
