package dev.tally.rest.body;

import dev.tally.domain.DomainException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Container options tally does not apply yet. Ignoring them would quietly run a container other
 * than the one asked for (no limits where --ulimit set some, no published port, the wrong
 * runtime), so a create that sets one is refused (400, naming the option) instead.
 */
final class UnsupportedOptions {

    private record Option(String field, String flag, Predicate<HostConfigBody> set) {
    }

    /** Fields refused when they are not empty, false or zero. */
    private static final List<Option> NOT_YET = List.of(
            new Option("Mounts", "--mount (use -v)", h -> !h.mounts().isEmpty()),
            new Option("PortBindings", "-p/--publish (containers have loopback only)",
                    h -> h.portBindings().values().stream().anyMatch(Predicate.not(Collection::isEmpty))),
            new Option("PublishAllPorts", "-P/--publish-all (containers have loopback only)", HostConfigBody::publishAllPorts),
            new Option("UTSMode", "--uts", h -> !h.utsMode().isEmpty()),
            new Option("UsernsMode", "--userns", h -> !h.usernsMode().isEmpty()),
            new Option("Sysctls", "--sysctl", h -> !h.sysctls().isEmpty()),
            new Option("Ulimits", "--ulimit", h -> !h.ulimits().isEmpty()),
            new Option("CgroupParent", "--cgroup-parent", h -> !h.cgroupParent().isEmpty()),
            new Option("Links", "--link", h -> !h.links().isEmpty()),
            new Option("VolumesFrom", "--volumes-from", h -> !h.volumesFrom().isEmpty()),
            new Option("OomKillDisable", "--oom-kill-disable", HostConfigBody::oomKillDisable));

    /** What a container gets anyway: asking for it is fine. */
    private static final Set<String> IPC_AS_USUAL = Set.of("", "private", "shareable", "none");
    private static final Set<String> RESTART_AS_USUAL = Set.of("", "no");
    private static final Set<String> RUNTIME_AS_USUAL = Set.of("", "runc");

    private UnsupportedOptions() {
    }

    /** INVALID, naming the first option set in this HostConfig that tally does not apply. */
    static void refuse(HostConfigBody host) {
        for (Option o : NOT_YET) {
            if (o.set().test(host)) {
                throw notYet(o.flag(), o.field());
            }
        }
        if (!IPC_AS_USUAL.contains(host.ipcMode())) {
            throw notYet("--ipc " + host.ipcMode(), "IpcMode");
        }
        if (!RUNTIME_AS_USUAL.contains(host.runtime())) {
            throw notYet("--runtime " + host.runtime(), "Runtime");
        }
        if (!RESTART_AS_USUAL.contains(host.restartPolicy().name())) {
            throw notYet("--restart " + host.restartPolicy().name(), "RestartPolicy");
        }
    }

    private static DomainException notYet(String flag, String field) {
        return DomainException.invalid(flag + " (HostConfig." + field + ") is not supported by tally yet");
    }
}
