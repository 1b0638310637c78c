package dev.tally.rest.body;

import java.util.List;
import java.util.Locale;

/**
 * Capability names as dockerd keeps them from API 1.40 on: upper case with the {@code CAP_} prefix,
 * and {@code ALL} as itself. The docker CLI 28 sends {@code CAP_NET_RAW} for {@code --cap-drop NET_RAW},
 * the CLI 20.10 sends what was typed; both read back as {@code CAP_NET_RAW} in inspect, as from dockerd.
 * Whether a name is a real capability is the runtime's to say.
 */
final class CapabilityNames {

    private CapabilityNames() {
    }

    static List<String> canonical(List<String> names) {
        if (names == null) {
            return List.of();
        }
        return names.stream().map(CapabilityNames::canonical).toList();
    }

    private static String canonical(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        return upper.equals("ALL") || upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    }
}
