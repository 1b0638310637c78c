package dev.tally.domain.container;

import dev.tally.domain.access.HostLookup;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The host as one create sees it: each host path is resolved once, so the real path that
 * authorization judged is the one recorded (a user who swaps a link between two resolutions gets
 * neither the other answer nor a mix). The runtime then opens that real path without following
 * any link. Not thread-safe: one per request.
 */
final class PathsResolvedOnce implements HostLookup {

    private final HostLookup host;
    private final Map<String, String> real = new HashMap<>();

    PathsResolvedOnce(HostLookup host) {
        this.host = host;
    }

    @Override
    public OptionalInt uidOf(String user) {
        return host.uidOf(user);
    }

    @Override
    public String realPath(String absolutePath) {
        String known = real.get(absolutePath);
        if (known == null) {
            known = host.realPath(absolutePath);
            real.put(absolutePath, known);
        }
        return known;
    }
}
