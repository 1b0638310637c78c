package dev.tally.domain.container;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every field of a container create body, one row per case that is decided differently, with what
 * tally does for an admin and for anyone else. This is the table of {@code docs/security.md}
 * ("Container options"); {@link ContainerOptionPolicy} reads its decisions from here and nowhere else.
 * A field of Docker's create body that is not listed is accepted only at its zero value (absent,
 * null, false, 0, empty) or Docker's default: set to anything else, it is {@link #OTHER}, a 400
 * naming the field. A field listed with a case but asked for in a case not listed is refused too.
 */
public enum ContainerOption {
    IMAGE("Image", "", "", Decision.APPLIED, Decision.APPLIED),
    ENTRYPOINT("Entrypoint", "", "--entrypoint", Decision.APPLIED, Decision.APPLIED),
    CMD("Cmd", "", "", Decision.APPLIED, Decision.APPLIED),
    ENV("Env", "", "-e", Decision.APPLIED, Decision.APPLIED),
    WORKING_DIR("WorkingDir", "", "-w", Decision.APPLIED, Decision.APPLIED),
    USER("User", "", "-u", Decision.APPLIED, Decision.APPLIED),
    HOSTNAME("Hostname", "", "-h", Decision.APPLIED, Decision.APPLIED),
    LABELS("Labels", "", "-l", Decision.APPLIED, Decision.APPLIED),
    TTY("Tty", "", "-t", Decision.APPLIED, Decision.APPLIED),
    OPEN_STDIN("OpenStdin", "", "-i", Decision.APPLIED, Decision.APPLIED),
    STOP_SIGNAL("StopSignal", "a signal's name or number (else the image's STOPSIGNAL)", "--stop-signal",
            Decision.APPLIED, Decision.APPLIED),
    STOP_TIMEOUT("StopTimeout", "seconds before SIGKILL, -1 for none", "--stop-timeout", Decision.APPLIED,
            Decision.APPLIED),
    BINDS_VOLUME("HostConfig.Binds", "a named volume", "-v", Decision.APPLIED, Decision.APPLIED),
    BINDS_ALLOWED("HostConfig.Binds", "a host path below the policy's bind paths", "-v", Decision.APPLIED, Decision.APPLIED),
    BINDS_HOST("HostConfig.Binds", "any other host path (judged by its real path)", "binding host path",
            Decision.APPLIED, Decision.DENIED),
    VOLUMES("Volumes", "paths: an anonymous volume at each that no bind, volume or tmpfs already targets", "-v PATH",
            Decision.APPLIED, Decision.APPLIED),
    MEMORY("HostConfig.Memory", "", "-m", Decision.APPLIED, Decision.APPLIED),
    NANO_CPUS("HostConfig.NanoCpus", "", "--cpus", Decision.APPLIED, Decision.APPLIED),
    PIDS_LIMIT("HostConfig.PidsLimit", "", "--pids-limit", Decision.APPLIED, Decision.APPLIED),
    CPU_SHARES("HostConfig.CpuShares", "", "--cpu-shares", Decision.APPLIED, Decision.APPLIED),
    CPUSET_CPUS("HostConfig.CpusetCpus", "cpus of the host", "--cpuset-cpus", Decision.APPLIED, Decision.APPLIED),
    CPUSET_MEMS("HostConfig.CpusetMems", "memory nodes of the host", "--cpuset-mems", Decision.APPLIED, Decision.APPLIED),
    MEMORY_SWAP("HostConfig.MemorySwap", "with Memory, not below it; -1 for unlimited", "--memory-swap", Decision.APPLIED,
            Decision.APPLIED),
    SHM_SIZE("HostConfig.ShmSize", "", "--shm-size", Decision.APPLIED, Decision.APPLIED),
    GROUP_ADD("HostConfig.GroupAdd", "ids, or names in the image's /etc/group", "--group-add", Decision.APPLIED,
            Decision.APPLIED),
    INIT("HostConfig.Init", "", "--init", Decision.APPLIED, Decision.APPLIED),
    CGROUPNS_MODE("HostConfig.CgroupnsMode", "empty, host or private (host on cgroup v2: admins only, a 400 for users)",
            "--cgroupns", Decision.APPLIED, Decision.APPLIED),
    EXTRA_HOSTS("HostConfig.ExtraHosts", "name:address (an /etc/hosts of its own)", "--add-host", Decision.APPLIED,
            Decision.APPLIED),
    DNS("HostConfig.Dns", "addresses (an /etc/resolv.conf of its own)", "--dns", Decision.APPLIED, Decision.APPLIED),
    DNS_SEARCH("HostConfig.DnsSearch", "domains (an /etc/resolv.conf of its own)", "--dns-search", Decision.APPLIED,
            Decision.APPLIED),
    DNS_OPTIONS("HostConfig.DnsOptions", "options (an /etc/resolv.conf of its own)", "--dns-option", Decision.APPLIED,
            Decision.APPLIED),
    NETWORK_MODE_HOST("HostConfig.NetworkMode", "host", "--network host", Decision.APPLIED, Decision.DENIED),
    NETWORK_MODE("HostConfig.NetworkMode", "empty, default, bridge or none (a loopback-only namespace, which inspect"
            + " shows as none)", "--network", Decision.APPLIED, Decision.APPLIED),
    NETWORK_MODE_OTHER("HostConfig.NetworkMode", "container:ID or a named network (tally has no networks yet)", "--network",
            Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    NETWORK_DISABLED("NetworkDisabled", "true or false (a loopback-only namespace either way)", "", Decision.APPLIED,
            Decision.APPLIED),
    ENDPOINTS_CONFIG("NetworkingConfig.EndpointsConfig", "an entry for the network mode with nothing set in it", "",
            Decision.APPLIED, Decision.APPLIED),
    AUTO_REMOVE("HostConfig.AutoRemove", "", "--rm", Decision.APPLIED, Decision.APPLIED),
    PRIVILEGED("HostConfig.Privileged", "true", "--privileged", Decision.APPLIED, Decision.DENIED),
    CAP_ADD("HostConfig.CapAdd", "not empty", "--cap-add", Decision.APPLIED, Decision.DENIED),
    CAP_DROP("HostConfig.CapDrop", "", "--cap-drop", Decision.APPLIED, Decision.APPLIED),
    DEVICES("HostConfig.Devices", "not empty", "--device", Decision.APPLIED, Decision.DENIED),
    SECURITY_OPT("HostConfig.SecurityOpt", "not empty", "--security-opt", Decision.APPLIED, Decision.DENIED),
    PID_MODE_HOST("HostConfig.PidMode", "host", "--pid host", Decision.APPLIED, Decision.DENIED),
    PID_MODE("HostConfig.PidMode", "any other (a namespace of its own)", "--pid", Decision.APPLIED, Decision.APPLIED),
    DEVICE_CGROUP_RULES("HostConfig.DeviceCgroupRules", "not empty", "--device-cgroup-rule", Decision.APPLIED,
            Decision.DENIED),
    READONLY_ROOTFS("HostConfig.ReadonlyRootfs", "", "--read-only", Decision.APPLIED, Decision.APPLIED),
    TMPFS("HostConfig.Tmpfs", "", "--tmpfs", Decision.APPLIED, Decision.APPLIED),
    IPC_MODE("HostConfig.IpcMode", "empty, private, shareable or none", "--ipc", Decision.APPLIED, Decision.APPLIED),
    IPC_MODE_HOST("HostConfig.IpcMode", "host", "--ipc", Decision.NOT_SUPPORTED, Decision.DENIED),
    IPC_MODE_OTHER("HostConfig.IpcMode", "any other", "--ipc", Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    RUNTIME("HostConfig.Runtime", "empty or runc", "--runtime", Decision.APPLIED, Decision.APPLIED),
    RUNTIME_OTHER("HostConfig.Runtime", "any other", "--runtime", Decision.NOT_SUPPORTED, Decision.DENIED),
    RESTART_POLICY("HostConfig.RestartPolicy", "empty or no", "--restart", Decision.APPLIED, Decision.APPLIED),
    RESTART_POLICY_OTHER("HostConfig.RestartPolicy", "any other", "--restart", Decision.NOT_SUPPORTED,
            Decision.NOT_SUPPORTED),
    MOUNTS_ALLOWED("HostConfig.Mounts", "a volume (anonymous without a source), a tmpfs, or a bind below the policy's bind paths",
            "--mount", Decision.APPLIED, Decision.APPLIED),
    MOUNTS_HOST("HostConfig.Mounts", "a bind of a host path outside the policy's bind paths (judged by its real path)",
            "--mount", Decision.APPLIED, Decision.DENIED),
    MOUNTS("HostConfig.Mounts", "any other entry: another type, or options tally does not apply",
            "--mount", Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    PORT_BINDINGS("HostConfig.PortBindings", "a host port (containers have loopback only)", "-p",
            Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    PUBLISH_ALL_PORTS("HostConfig.PublishAllPorts", "true (containers have loopback only)", "-P",
            Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    UTS_MODE_HOST("HostConfig.UTSMode", "host", "--uts", Decision.NOT_SUPPORTED, Decision.DENIED),
    UTS_MODE("HostConfig.UTSMode", "any other, not empty", "--uts", Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    USERNS_MODE_HOST("HostConfig.UsernsMode", "host", "--userns", Decision.NOT_SUPPORTED, Decision.DENIED),
    USERNS_MODE("HostConfig.UsernsMode", "any other, not empty", "--userns", Decision.NOT_SUPPORTED,
            Decision.NOT_SUPPORTED),
    SYSCTLS("HostConfig.Sysctls", "not empty", "--sysctl", Decision.NOT_SUPPORTED, Decision.DENIED),
    ULIMITS("HostConfig.Ulimits", "not empty", "--ulimit", Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED),
    CGROUP_PARENT("HostConfig.CgroupParent", "not empty", "--cgroup-parent", Decision.NOT_SUPPORTED, Decision.DENIED),
    LINKS("HostConfig.Links", "not empty", "--link", Decision.NOT_SUPPORTED, Decision.DENIED),
    VOLUMES_FROM("HostConfig.VolumesFrom", "not empty", "--volumes-from", Decision.NOT_SUPPORTED, Decision.DENIED),
    OOM_KILL_DISABLE("HostConfig.OomKillDisable", "true", "--oom-kill-disable", Decision.NOT_SUPPORTED,
            Decision.NOT_SUPPORTED),
    MASKED_PATHS("HostConfig.MaskedPaths", "not null (the CLI's --security-opt systempaths=unconfined)", "--security-opt",
            Decision.NOT_SUPPORTED, Decision.DENIED),
    READONLY_PATHS("HostConfig.ReadonlyPaths", "not null (the CLI's --security-opt systempaths=unconfined)",
            "--security-opt", Decision.NOT_SUPPORTED, Decision.DENIED),
    DEVICE_REQUESTS("HostConfig.DeviceRequests", "not empty", "--gpus", Decision.NOT_SUPPORTED, Decision.DENIED),
    ATTACH_STDIN("AttachStdin", "set (the client attaches the streams it wants)", "", Decision.NO_EFFECT,
            Decision.NO_EFFECT),
    ATTACH_STDOUT("AttachStdout", "set (the client attaches the streams it wants)", "", Decision.NO_EFFECT,
            Decision.NO_EFFECT),
    ATTACH_STDERR("AttachStderr", "set (the client attaches the streams it wants)", "", Decision.NO_EFFECT,
            Decision.NO_EFFECT),
    STDIN_ONCE("StdinOnce", "set (stdin closes when its first attach ends, as conmon does, whatever it says)", "",
            Decision.NO_EFFECT, Decision.NO_EFFECT),
    CONSOLE_SIZE("HostConfig.ConsoleSize", "set (the client sizes the terminal once it runs)", "", Decision.NO_EFFECT,
            Decision.NO_EFFECT),
    CONTAINER_ID_FILE("HostConfig.ContainerIDFile", "set (the client writes the file)", "--cidfile", Decision.NO_EFFECT,
            Decision.NO_EFFECT),
    LOG_CONFIG("HostConfig.LogConfig", "empty, or json-file with no options (the log inspect and logs read)", "--log-driver",
            Decision.APPLIED, Decision.APPLIED),
    HEALTHCHECK("Healthcheck", "NONE (no container has a health check)", "--no-healthcheck", Decision.APPLIED,
            Decision.APPLIED),
    MEMORY_SWAPPINESS("HostConfig.MemorySwappiness", "-1 (the kernel's default)", "", Decision.APPLIED, Decision.APPLIED),
    ISOLATION("HostConfig.Isolation", "default", "--isolation", Decision.APPLIED, Decision.APPLIED),
    OTHER("any other field", "set: not absent, null, false, 0, empty or Docker's default (named in the answer)", "",
            Decision.NOT_SUPPORTED, Decision.NOT_SUPPORTED);

    /** What a create that asks for an option gets. */
    public enum Decision {
        APPLIED("applied"),
        DENIED("403, AccessDenied recorded"),
        NOT_SUPPORTED("400, not supported"),
        /** Accepted, with nothing for the daemon to apply: what it asks for is the client's to do. */
        NO_EFFECT("accepted, nothing to apply");

        private final String text;

        Decision(String text) {
            this.text = text;
        }
    }

    private final String field;
    private final String when;
    private final String flag;
    private final Decision admin;
    private final Decision user;

    ContainerOption(String field, String when, String flag, Decision admin, Decision user) {
        this.field = field;
        this.when = when;
        this.flag = flag;
        this.admin = admin;
        this.user = user;
    }

    /** The field of the create body, as Docker spells it ({@code HostConfig.Sysctls}). */
    public String field() {
        return field;
    }

    /** The docker CLI flag that sets it, or empty. */
    public String flag() {
        return flag;
    }

    /** The decision for a caller who is an admin or not. */
    public Decision decisionFor(boolean isAdmin) {
        return isAdmin ? admin : user;
    }

    /** The table of {@code docs/security.md}, one row per option, in this order. */
    public static String markdownTable() {
        return "| field | when | docker flag | admin | non-admin |\n|---|---|---|---|---|\n"
                + Arrays.stream(values()).map(o -> "| `" + o.field + "` | " + (o.when.isEmpty() ? "set" : o.when) + " | "
                        + (o.flag.isEmpty() ? "" : "`" + o.flag + "`") + " | " + o.admin.text + " | " + o.user.text + " |\n")
                .collect(Collectors.joining());
    }
}
