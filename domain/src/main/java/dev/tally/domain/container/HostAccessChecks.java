package dev.tally.domain.container;

import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.HostLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The options of a container that amount to root on the host, each a small named check. Admins may
 * ask for any of them; for everyone else the first one asked for is the answer.
 */
final class HostAccessChecks {

    /** What was asked for (as the docker CLI flag), and why a user may not have it. */
    record Refusal(String option, String reason) {
        String message() {
            return "authorization denied: " + option + " is for tally admins only" + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    private HostAccessChecks() {
    }

    /**
     * The first option a non-admin may not have, if any. Host bind paths are judged by their real path
     * (symbolic links resolved), which is also what {@link #withRealBindPaths} records.
     */
    static Optional<Refusal> firstRefusal(ContainerConfig c, AccessPolicy policy, HostLookup host) {
        ContainerConfig.HostAccess h = c.hostAccess();
        if (h.privileged()) {
            return refuse("--privileged", "");
        }
        if (!h.capAdd().isEmpty()) {
            return refuse("--cap-add", "asked for " + String.join(", ", h.capAdd()));
        }
        if (!h.devices().isEmpty()) {
            return refuse("--device", "asked for " + String.join(", ", h.devices()));
        }
        if (!h.securityOpt().isEmpty()) {
            return refuse("--security-opt", "asked for " + String.join(", ", h.securityOpt()));
        }
        if (h.pidMode().equals("host")) {
            return refuse("--pid host", "");
        }
        if (c.networkMode().equals("host")) {
            return refuse("--network host", "");
        }
        for (ContainerConfig.Mount m : c.mounts()) {
            if (!m.isVolume()) {
                String real = host.realPath(m.source());
                if (!policy.bindAllowed(real)) {
                    String where = real.equals(m.source()) ? m.source() : m.source() + " (really " + real + ")";
                    return refuse("binding host path " + where, policy.allowedBindPaths().isEmpty()
                            ? "users may bind no host path" : "users may bind only below "
                            + String.join(", ", policy.allowedBindPaths()));
                }
            }
        }
        return Optional.empty();
    }

    /** The same config with every host bind source replaced by its real path, as checked. */
    static ContainerConfig withRealBindPaths(ContainerConfig c, HostLookup host) {
        List<ContainerConfig.Mount> mounts = new ArrayList<>();
        for (ContainerConfig.Mount m : c.mounts()) {
            mounts.add(m.isVolume() ? m : new ContainerConfig.Mount(host.realPath(m.source()), m.target(), m.readOnly()));
        }
        return new ContainerConfig(c.image(), c.entrypoint(), c.cmd(), c.env(), c.workingDir(), c.user(), c.hostname(),
                c.labels(), c.tty(), c.openStdin(), mounts, c.limits(), c.networkMode(), c.autoRemove(), c.hostAccess(),
                c.hardening(), c.tmpfs());
    }

    private static Optional<Refusal> refuse(String option, String reason) {
        return Optional.of(new Refusal(option, reason));
    }
}
