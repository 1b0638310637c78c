package dev.tally.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime {@code config.json}, built by small options on top of Docker's defaults
 * (namespaces, default capabilities, masked paths, the standard /proc /dev /sys mounts). No rlimits
 * are set: the process inherits the daemon's, which never asks for more than the host allows.
 */
final class OciSpec {

    static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> process = new LinkedHashMap<>();
    private final Map<String, Object> linux = new LinkedHashMap<>();
    private final Map<String, Object> resources = new LinkedHashMap<>();
    private final List<Map<String, Object>> mounts = new ArrayList<>();
    private final List<Map<String, Object>> namespaces = new ArrayList<>();
    private final List<Map<String, Object>> devices = new ArrayList<>();
    private final List<Map<String, Object>> deviceRules = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();

    OciSpec() {
        root.put("ociVersion", "1.0.2");
        root.put("process", process);
        root.put("root", Map.of("path", "rootfs", "readonly", false));
        root.put("hostname", "");
        root.put("mounts", mounts);
        root.put("linux", linux);
        process.put("terminal", false);
        process.put("user", Map.of("uid", 0, "gid", 0));
        process.put("cwd", "/");
        process.put("capabilities", Map.of("bounding", DEFAULT_CAPS, "effective", DEFAULT_CAPS,
                "permitted", DEFAULT_CAPS));
        process.put("noNewPrivileges", false);
        mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
        mount("/dev/shm", "shm", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
        for (String ns : List.of("pid", "ipc", "uts", "mount")) {
            namespaces.add(Map.of("type", ns));
        }
        linux.put("namespaces", namespaces);
        linux.put("resources", resources);
        deviceRules.add(Map.of("allow", false, "access", "rwm"));
        resources.put("devices", deviceRules);
        linux.put("devices", devices);
        linux.put("maskedPaths", List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                "/proc/scsi", "/sys/firmware"));
        linux.put("readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                "/proc/sysrq-trigger"));
    }

    OciSpec withArgs(List<String> args) {
        process.put("args", List.copyOf(args));
        return this;
    }

    OciSpec withEnv(List<String> env) {
        process.put("env", List.copyOf(env));
        return this;
    }

    OciSpec withCwd(String cwd) {
        process.put("cwd", cwd);
        return this;
    }

    OciSpec withUser(int uid, int gid) {
        process.put("user", Map.of("uid", uid, "gid", gid));
        return this;
    }

    /** Supplementary groups of the process ({@code --group-add}); call after {@link #withUser}. */
    OciSpec withAdditionalGids(List<Integer> gids) {
        if (!gids.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> user = new LinkedHashMap<>((Map<String, Object>) process.get("user"));
            user.put("additionalGids", List.copyOf(gids));
            process.put("user", user);
        }
        return this;
    }

    /** An init as pid 1 that runs the command ({@code --init}), bound read-only from the host; call after {@link #withArgs}. */
    OciSpec withInit(String hostBinary, String inContainer) {
        @SuppressWarnings("unchecked")
        List<String> args = new ArrayList<>((List<String>) process.get("args"));
        args.addAll(0, List.of(inContainer, "--"));
        process.put("args", List.copyOf(args));
        return withBind(hostBinary, inContainer, true);
    }

    /** The size of /dev/shm in bytes ({@code --shm-size}); 0 keeps Docker's 64 MiB. */
    OciSpec withShmSize(long bytes) {
        if (bytes > 0) {
            for (Map<String, Object> m : mounts) {
                if (m.get("destination").equals("/dev/shm")) {
                    m.put("options", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + bytes));
                }
            }
        }
        return this;
    }

    /** A device the cgroup allows ({@code --device-cgroup-rule 'c 1:3 rwm'}, {@code *} for any number). */
    OciSpec withDeviceRule(String rule) {
        String[] p = rule.split(" ");
        String[] numbers = p[1].split(":");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("allow", true);
        r.put("type", p[0]);
        if (!numbers[0].equals("*")) {
            r.put("major", Long.parseLong(numbers[0]));
        }
        if (!numbers[1].equals("*")) {
            r.put("minor", Long.parseLong(numbers[1]));
        }
        r.put("access", p[2]);
        deviceRules.add(r);
        return this;
    }

    OciSpec withTerminal(boolean terminal) {
        process.put("terminal", terminal);
        return this;
    }

    OciSpec withHostname(String hostname) {
        root.put("hostname", hostname);
        namespaces.removeIf(n -> n.get("type").equals("uts"));
        namespaces.add(Map.of("type", "uts"));
        return this;
    }

    /** A new network namespace (loopback only), or none at all for the host's network. */
    OciSpec withNetwork(String mode) {
        if (!mode.equals("host")) {
            namespaces.add(Map.of("type", "network"));
        }
        return this;
    }

    OciSpec withBind(String source, String destination, boolean readOnly) {
        List<String> options = new ArrayList<>(List.of("rbind", "rprivate"));
        if (readOnly) {
            options.add("ro");
        }
        return mount(destination, source, "bind", options);
    }

    /** A cgroup namespace of its own: {@code /sys/fs/cgroup} shows the container's cgroup as the root. */
    OciSpec withCgroupNamespace() {
        namespaces.removeIf(n -> n.get("type").equals("cgroup"));
        namespaces.add(Map.of("type", "cgroup"));
        return this;
    }

    OciSpec withCgroupsPath(String path) {
        linux.put("cgroupsPath", path);
        return this;
    }

    OciSpec withMemoryLimit(long bytes) {
        if (bytes > 0) {
            part("memory").put("limit", bytes);
        }
        return this;
    }

    /** Memory and swap together ({@code --memory-swap}); -1 for unlimited swap, 0 to leave the kernel's. */
    OciSpec withMemorySwap(long bytes) {
        if (bytes != 0) {
            part("memory").put("swap", bytes);
        }
        return this;
    }

    OciSpec withNanoCpus(long nanoCpus) {
        if (nanoCpus > 0) {
            long period = 100_000;
            part("cpu").put("quota", nanoCpus * period / 1_000_000_000L);
            part("cpu").put("period", period);
        }
        return this;
    }

    /** Relative cpu weight ({@code --cpu-shares}); 0 leaves the kernel's 1024. */
    OciSpec withCpuShares(long shares) {
        if (shares > 0) {
            part("cpu").put("shares", shares);
        }
        return this;
    }

    /** The cpus and memory nodes it may use ({@code --cpuset-cpus}, {@code --cpuset-mems}); empty for all. */
    OciSpec withCpuset(String cpus, String mems) {
        if (!cpus.isEmpty()) {
            part("cpu").put("cpus", cpus);
        }
        if (!mems.isEmpty()) {
            part("cpu").put("mems", mems);
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> part(String name) {
        return (Map<String, Object>) resources.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    OciSpec withPidsLimit(long limit) {
        if (limit > 0) {
            resources.put("pids", Map.of("limit", limit));
        }
        return this;
    }

    /**
     * A user namespace of its own: container ids {@code 0..size-1} are the host's from the starts on.
     * Host ids outside the range show as nobody inside, and the container's root has no power over them.
     */
    OciSpec withUserNamespace(IdRemap remap) {
        namespaces.add(Map.of("type", "user"));
        linux.put("uidMappings", List.of(Map.of("containerID", 0, "hostID", remap.uidStart(), "size", remap.size())));
        linux.put("gidMappings", List.of(Map.of("containerID", 0, "hostID", remap.gidStart(), "size", remap.size())));
        return this;
    }

    /** The capability set of the process, and of every exec in the container. */
    OciSpec withCapabilities(List<String> caps) {
        process.put("capabilities", Map.of("bounding", List.copyOf(caps), "effective", List.copyOf(caps),
                "permitted", List.copyOf(caps)));
        return this;
    }

    /** Unconfined, as {@code --privileged}: every device usable, /proc and /sys neither masked nor read-only. */
    OciSpec withPrivileged() {
        linux.put("maskedPaths", List.of());
        linux.put("readonlyPaths", List.of());
        deviceRules.clear();
        deviceRules.add(Map.of("allow", true, "access", "rwm"));
        for (Map<String, Object> m : mounts) {
            if (m.get("destination").equals("/sys") || m.get("destination").equals("/sys/fs/cgroup")) {
                @SuppressWarnings("unchecked")
                List<String> options = new ArrayList<>((List<String>) m.get("options"));
                options.remove("ro");
                m.put("options", options);
            }
        }
        return this;
    }

    /** A host device node in the container, and the cgroup rule that allows it. */
    OciSpec withDevice(HostDevice device) {
        devices.removeIf(d -> d.get("path").equals(device.path()));
        devices.add(device.node());
        deviceRules.add(device.rule());
        return this;
    }

    /** The host's pid namespace: no namespace of its own. */
    OciSpec withHostPid() {
        namespaces.removeIf(n -> n.get("type").equals("pid"));
        return this;
    }

    /** A fresh tmpfs at {@code destination}. */
    OciSpec withTmpfs(String destination, List<String> options) {
        mounts.removeIf(m -> m.get("destination").equals(destination));
        return mount(destination, "tmpfs", "tmpfs", options);
    }

    /** The root filesystem mounted read-only ({@code --read-only}); mounts on it keep their own mode. */
    OciSpec withReadOnlyRoot(boolean on) {
        root.put("root", Map.of("path", "rootfs", "readonly", on));
        return this;
    }

    OciSpec withNoNewPrivileges(boolean on) {
        process.put("noNewPrivileges", on);
        return this;
    }

    OciSpec withAnnotation(String key, String value) {
        annotations.put(key, value);
        root.put("annotations", annotations);
        return this;
    }

    Map<String, Object> toMap() {
        return root;
    }

    private OciSpec mount(String destination, String source, String type, List<String> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        m.put("options", options);
        mounts.add(m);
        return this;
    }
}
