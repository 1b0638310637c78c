package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * {@code NetworkingConfig} of a create body: the endpoint settings per network, which tally has none
 * of yet, kept as sent so that any setting in them is refused by name ({@link OtherFields}).
 */
public record NetworkingConfigBody(Map<String, JsonNode> endpointsConfig, @JsonAnySetter Map<String, JsonNode> others) {

    static final NetworkingConfigBody ZERO = Bodies.zero(NetworkingConfigBody.class);

    public NetworkingConfigBody {
        endpointsConfig = endpointsConfig == null ? Map.of() : endpointsConfig;
        others = others == null ? Map.of() : new java.util.TreeMap<>(others);
    }
}
