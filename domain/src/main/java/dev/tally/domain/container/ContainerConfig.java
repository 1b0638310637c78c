package dev.tally.domain.container;

import java.util.List;
import java.util.Map;

/**
 * What a container is made of, as the user asked for it. Never changes after creation; the run
 * lifecycle lives apart, in the aggregate's status. {@code tmpfs}: a fresh tmpfs at each path, with
 * its mount options ({@code --tmpfs /run:size=64m}). {@code networkMode}: {@code host}, or {@code none}
 * for the namespace with loopback only that every other container gets.
 */
public record ContainerConfig(
        String image,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        Map<String, String> labels,
        boolean tty,
        boolean openStdin,
        List<Mount> mounts,
        Limits limits,
        String networkMode,
        boolean autoRemove,
        HostAccess hostAccess,
        Hardening hardening,
        Map<String, String> tmpfs) {

    /** A config with neither hardening options nor tmpfs mounts. */
    public ContainerConfig(String image, List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                           String user, String hostname, Map<String, String> labels, boolean tty, boolean openStdin,
                           List<Mount> mounts, Limits limits, String networkMode, boolean autoRemove, HostAccess hostAccess) {
        this(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin, mounts, limits, networkMode,
                autoRemove, hostAccess, Hardening.NONE, Map.of());
    }

    public ContainerConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        limits = limits == null ? Limits.NONE : limits;
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        hostname = hostname == null ? "" : hostname;
        hostAccess = hostAccess == null ? HostAccess.NONE : hostAccess;
        hardening = hardening == null ? Hardening.NONE : hardening;
        tmpfs = tmpfs == null ? Map.of() : Map.copyOf(tmpfs);
        // Until tally has networks, a container gets the host's network (admins) or a namespace with
        // loopback only, which is Docker's "none", whatever other mode was asked or stored before.
        networkMode = "host".equals(networkMode) ? "host" : "none";
    }

    /**
     * Less than the defaults, which anyone may ask for.
     *
     * @param readOnlyRootfs the container's root filesystem is mounted read-only ({@code --read-only})
     * @param capDrop        capabilities taken from the default set, or ALL ({@code --cap-drop})
     */
    public record Hardening(boolean readOnlyRootfs, List<String> capDrop) {
        public static final Hardening NONE = new Hardening(false, List.of());

        public Hardening {
            capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        }
    }

    /** A bind of a host path ({@code source} starts with '/') or of a named volume. */
    public record Mount(String source, String target, boolean readOnly) {
        public boolean isVolume() {
            return !source.startsWith("/");
        }
    }

    /**
     * What the container may reach of the host beyond its own namespaces: each of these amounts to
     * root on the host, so only admins may ask for them.
     *
     * @param privileged  every capability, every device, no confinement ({@code --privileged})
     * @param capAdd      capabilities added to the default set ({@code --cap-add})
     * @param devices     host devices made available ({@code --device /dev/x[:/dev/y[:rwm]]})
     * @param securityOpt confinement relaxations ({@code --security-opt})
     * @param pidMode     {@code host} to share the host's pid namespace, else empty
     */
    public record HostAccess(boolean privileged, List<String> capAdd, List<String> devices, List<String> securityOpt,
                             String pidMode) {
        public static final HostAccess NONE = new HostAccess(false, List.of(), List.of(), List.of(), "");

        public HostAccess {
            capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
            devices = devices == null ? List.of() : List.copyOf(devices);
            securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
            pidMode = pidMode == null ? "" : pidMode;
        }

        public boolean any() {
            return privileged || !capAdd.isEmpty() || !devices.isEmpty() || !securityOpt.isEmpty()
                    || pidMode.equals("host");
        }
    }

    /** Resource limits; 0 means unlimited. */
    public record Limits(long memoryBytes, long nanoCpus, long pidsLimit) {
        public static final Limits NONE = new Limits(0, 0, 0);
    }
}
