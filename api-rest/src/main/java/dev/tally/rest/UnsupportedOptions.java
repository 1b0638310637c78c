package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Container options tally does not apply yet. Ignoring them would quietly run a container other
 * than the one asked for (no limits where --ulimit set some, no published port, the wrong
 * runtime), so a create that sets one is refused (400, naming the option) instead.
 */
final class UnsupportedOptions {

    private record Option(String field, String flag) {
    }

    /** Fields whose value is refused when it is not empty, false or zero. */
    private static final List<Option> NOT_YET = List.of(
            new Option("Mounts", "--mount (use -v)"),
            new Option("PortBindings", "-p/--publish (containers have loopback only)"),
            new Option("PublishAllPorts", "-P/--publish-all (containers have loopback only)"),
            new Option("UTSMode", "--uts"),
            new Option("UsernsMode", "--userns"),
            new Option("Sysctls", "--sysctl"),
            new Option("Ulimits", "--ulimit"),
            new Option("CgroupParent", "--cgroup-parent"),
            new Option("Links", "--link"),
            new Option("VolumesFrom", "--volumes-from"),
            new Option("OomKillDisable", "--oom-kill-disable"));

    /** What a container gets anyway: asking for it is fine. */
    private static final Set<String> IPC_AS_USUAL = Set.of("", "private", "shareable", "none");
    private static final Set<String> RESTART_AS_USUAL = Set.of("", "no");
    private static final Set<String> RUNTIME_AS_USUAL = Set.of("", "runc");

    private UnsupportedOptions() {
    }

    /** INVALID, naming the first option set in this HostConfig that tally does not apply. */
    static void refuse(JsonObject host) {
        for (Option o : NOT_YET) {
            if (set(host.getValue(o.field()))) {
                throw notYet(o.flag(), o.field());
            }
        }
        if (!IPC_AS_USUAL.contains(host.getString("IpcMode", ""))) {
            throw notYet("--ipc " + host.getString("IpcMode"), "IpcMode");
        }
        if (!RUNTIME_AS_USUAL.contains(host.getString("Runtime", ""))) {
            throw notYet("--runtime " + host.getString("Runtime"), "Runtime");
        }
        JsonObject restart = host.getJsonObject("RestartPolicy", new JsonObject());
        if (!RESTART_AS_USUAL.contains(restart.getString("Name", ""))) {
            throw notYet("--restart " + restart.getString("Name"), "RestartPolicy");
        }
    }

    private static boolean set(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof JsonArray a) {
            return !a.isEmpty();
        }
        if (value instanceof JsonObject o) {
            return o.stream().anyMatch(e -> !(e.getValue() instanceof JsonArray a && a.isEmpty()) && e.getValue() != null);
        }
        return true;
    }

    private static DomainException notYet(String flag, String field) {
        return DomainException.invalid(flag + " (HostConfig." + field + ") is not supported by tally yet");
    }
}
