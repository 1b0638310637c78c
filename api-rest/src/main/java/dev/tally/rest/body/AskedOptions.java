package dev.tally.rest.body;

import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.ContainerOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The options of a HostConfig that the container config does not carry, as rows of
 * {@link ContainerOption}'s table: the domain decides them per role (root-equivalent ones are
 * denied to users and recorded; the rest are refused with a 400 naming them). Ignoring them would
 * quietly run a container other than the one asked for. Only telling which row is set lives here.
 */
final class AskedOptions {

    /** What a container gets anyway: asking for it is fine. */
    private static final Set<String> IPC_AS_USUAL = Set.of("", "private", "shareable", "none");
    private static final Set<String> RESTART_AS_USUAL = Set.of("", "no");
    private static final Set<String> RUNTIME_AS_USUAL = Set.of("", "runc");

    private AskedOptions() {
    }

    /** Network modes that are the loopback-only namespace, and the host's. */
    private static final Set<String> NETWORK_AS_USUAL = Set.of("", "default", "bridge", "none", "host");

    /**
     * Every such option of this body (not empty, false or zero), in the table's order: the HostConfig's,
     * then the fields no record reads ({@link OtherFields}).
     */
    static List<AskedOption> of(ContainerCreateBody body) {
        HostConfigBody h = body.hostConfig();
        List<AskedOption> asked = of(h);
        asked.addAll(OtherFields.of("", body.others()));
        asked.addAll(OtherFields.of("HostConfig.", h.others()));
        asked.addAll(OtherFields.ofNetworking(body.networkingConfig(), h.networkMode()));
        return asked;
    }

    /** Every such option set in this HostConfig's typed fields, in the table's order. */
    static List<AskedOption> of(HostConfigBody h) {
        List<AskedOption> asked = new ArrayList<>();
        if (!NETWORK_AS_USUAL.contains(h.networkMode())) {
            asked.add(new AskedOption(ContainerOption.NETWORK_MODE_OTHER, h.networkMode()));
        }
        if (!IPC_AS_USUAL.contains(h.ipcMode())) {
            asked.add(new AskedOption(h.ipcMode().equals("host") ? ContainerOption.IPC_MODE_HOST
                    : ContainerOption.IPC_MODE_OTHER, h.ipcMode()));
        }
        if (!RUNTIME_AS_USUAL.contains(h.runtime())) {
            asked.add(new AskedOption(ContainerOption.RUNTIME_OTHER, h.runtime()));
        }
        if (!RESTART_AS_USUAL.contains(h.restartPolicy().name())) {
            asked.add(new AskedOption(ContainerOption.RESTART_POLICY_OTHER, h.restartPolicy().name()));
        }
        asked.addAll(MountEntries.of(h.mounts()).asked());
        if (h.portBindings().values().stream().anyMatch(Predicate.not(Collection::isEmpty))) {
            asked.add(new AskedOption(ContainerOption.PORT_BINDINGS, ""));
        }
        if (h.publishAllPorts()) {
            asked.add(new AskedOption(ContainerOption.PUBLISH_ALL_PORTS, ""));
        }
        if (!h.utsMode().isEmpty()) {
            asked.add(new AskedOption(h.utsMode().equals("host") ? ContainerOption.UTS_MODE_HOST : ContainerOption.UTS_MODE,
                    h.utsMode()));
        }
        if (!h.usernsMode().isEmpty()) {
            asked.add(new AskedOption(h.usernsMode().equals("host") ? ContainerOption.USERNS_MODE_HOST
                    : ContainerOption.USERNS_MODE, h.usernsMode()));
        }
        if (!h.sysctls().isEmpty()) {
            asked.add(new AskedOption(ContainerOption.SYSCTLS, "", String.join(", ", h.sysctls().keySet())));
        }
        if (!h.ulimits().isEmpty()) {
            asked.add(new AskedOption(ContainerOption.ULIMITS, ""));
        }
        if (!h.cgroupParent().isEmpty()) {
            asked.add(new AskedOption(ContainerOption.CGROUP_PARENT, "", h.cgroupParent()));
        }
        if (!h.links().isEmpty()) {
            asked.add(new AskedOption(ContainerOption.LINKS, "", String.join(", ", h.links())));
        }
        if (!h.volumesFrom().isEmpty()) {
            asked.add(new AskedOption(ContainerOption.VOLUMES_FROM, "", String.join(", ", h.volumesFrom())));
        }
        if (h.oomKillDisable()) {
            asked.add(new AskedOption(ContainerOption.OOM_KILL_DISABLE, ""));
        }
        return asked;
    }
}
