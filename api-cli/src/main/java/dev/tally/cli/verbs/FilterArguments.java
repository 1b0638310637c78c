package dev.tally.cli.verbs;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns repeated {@code --filter key=value} flags into the API's {@code filters} JSON: {@code {"key":{"value":true}}}. */
final class FilterArguments {

    private FilterArguments() {
    }

    /**
     * @return the JSON text, or null when there are no filters
     * @throws CliException (exit 1) for a filter without '='
     */
    static String toJson(List<String> filters) {
        if (filters == null || filters.isEmpty()) {
            return null;
        }
        Map<String, Map<String, Boolean>> byKey = new TreeMap<>();
        for (String filter : filters) {
            int eq = filter.indexOf('=');
            if (eq <= 0) {
                throw new CliException("bad format of filter (expected name=value): " + filter,
                        ExitCodeMapper.GENERAL_FAILURE);
            }
            byKey.computeIfAbsent(filter.substring(0, eq).trim(), k -> new LinkedHashMap<>())
                    .put(filter.substring(eq + 1), true);
        }
        try {
            return JSON.std.asString(byKey);
        } catch (IOException cannotHappenForStrings) {
            throw new CliException("cannot encode filters: " + cannotHappenForStrings.getMessage(),
                    ExitCodeMapper.GENERAL_FAILURE);
        }
    }
}
