package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST /tally/v1/containers/{id}/grants}: {@code {"user": "bob"}}. */
public record GrantBody(@JsonProperty("user") String user) {
}
