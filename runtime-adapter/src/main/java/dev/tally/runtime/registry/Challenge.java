package dev.tally.runtime.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A registry's {@code WWW-Authenticate} challenge: {@code Bearer realm="…",service="…",scope="…"} or
 * {@code Basic realm="…"}.
 *
 * @param scheme {@code bearer} or {@code basic}, lower case
 * @param params its parameters, names in lower case
 */
record Challenge(String scheme, Map<String, String> params) {

    static Optional<Challenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.strip();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(java.util.Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? h.length() : space + 1;
        while (i < h.length()) {
            while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = h.substring(i, eq).strip().toLowerCase(java.util.Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < h.length() && h.charAt(i) == '"') {
                i++;
                while (i < h.length() && h.charAt(i) != '"') {
                    if (h.charAt(i) == '\\' && i + 1 < h.length()) {
                        i++;
                    }
                    value.append(h.charAt(i++));
                }
                i++;
            } else {
                while (i < h.length() && h.charAt(i) != ',') {
                    value.append(h.charAt(i++));
                }
            }
            params.put(name, value.toString().strip());
        }
        if (!scheme.equals("bearer") && !scheme.equals("basic")) {
            return Optional.empty();
        }
        return Optional.of(new Challenge(scheme, params));
    }

    String param(String name) {
        return params.getOrDefault(name, "");
    }
}
