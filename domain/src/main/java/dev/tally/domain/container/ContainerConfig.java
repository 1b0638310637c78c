package dev.tally.domain.container;

import java.util.List;
import java.util.Map;

/**
 * What a container is made of, as the user asked for it. Never changes after creation; the run
 * lifecycle lives apart, in the aggregate's status. {@code tmpfs}: a fresh tmpfs at each path, with
 * its mount options ({@code --tmpfs /run:size=64m}). {@code networkMode}: {@code host}, or {@code none}
 * for the namespace with loopback only that every other container gets. {@code stop}: how {@code
 * docker stop} ends it.
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
        Map<String, String> tmpfs,
        Setup setup,
        Stop stop) {

    /** A config that says nothing of how it stops (the defaults: SIGTERM, then SIGKILL after 10 s). */
    public ContainerConfig(String image, List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                           String user, String hostname, Map<String, String> labels, boolean tty, boolean openStdin,
                           List<Mount> mounts, Limits limits, String networkMode, boolean autoRemove, HostAccess hostAccess,
                           Hardening hardening, Map<String, String> tmpfs, Setup setup) {
        this(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin, mounts, limits, networkMode,
                autoRemove, hostAccess, hardening, tmpfs, setup, Stop.DEFAULT);
    }

    /** A config with no {@link Setup} beyond the image's. */
    public ContainerConfig(String image, List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                           String user, String hostname, Map<String, String> labels, boolean tty, boolean openStdin,
                           List<Mount> mounts, Limits limits, String networkMode, boolean autoRemove, HostAccess hostAccess,
                           Hardening hardening, Map<String, String> tmpfs) {
        this(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin, mounts, limits, networkMode,
                autoRemove, hostAccess, hardening, tmpfs, Setup.NONE);
    }

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
        setup = setup == null ? Setup.NONE : setup;
        stop = stop == null ? Stop.DEFAULT : stop;
        // Until tally has networks, a container gets the host's network (admins) or a namespace with
        // loopback only, which is Docker's "none", whatever other mode was asked or stored before.
        networkMode = "host".equals(networkMode) ? "host" : "none";
    }

    /** The same config under other limits ({@code docker update}). */
    public ContainerConfig withLimits(Limits newLimits) {
        return new ContainerConfig(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin, mounts,
                newLimits, networkMode, autoRemove, hostAccess, hardening, tmpfs, setup, stop);
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

    /**
     * How the container's process and files are set up beyond what the image says (configs stored
     * before these options read as none of them).
     *
     * @param groupAdd     supplementary groups of the process, ids or names in the image's /etc/group ({@code --group-add})
     * @param init         an init runs as pid 1 and runs the command ({@code --init}: Debian's tini-static)
     * @param shmSizeBytes the size of /dev/shm, 0 for Docker's 64 MiB ({@code --shm-size})
     * @param cgroupnsMode {@code private} for a cgroup namespace of its own, {@code host} or empty for the host's ({@code --cgroupns})
     * @param dns          name servers for the container's /etc/resolv.conf ({@code --dns})
     * @param dnsSearch    its search domains ({@code --dns-search})
     * @param dnsOptions   its options ({@code --dns-option})
     * @param extraHosts   {@code name:address} lines for its /etc/hosts ({@code --add-host})
     */
    public record Setup(List<String> groupAdd, boolean init, long shmSizeBytes, String cgroupnsMode, List<String> dns,
                        List<String> dnsSearch, List<String> dnsOptions, List<String> extraHosts) {
        public static final Setup NONE = new Setup(List.of(), false, 0, "", List.of(), List.of(), List.of(), List.of());

        public Setup {
            groupAdd = groupAdd == null ? List.of() : List.copyOf(groupAdd);
            cgroupnsMode = cgroupnsMode == null ? "" : cgroupnsMode;
            dns = dns == null ? List.of() : List.copyOf(dns);
            dnsSearch = dnsSearch == null ? List.of() : List.copyOf(dnsSearch);
            dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
            extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        }

        /** Whether the container gets its own /etc/resolv.conf or /etc/hosts. */
        public boolean namesOwnFiles() {
            return !dns.isEmpty() || !dnsSearch.isEmpty() || !dnsOptions.isEmpty() || !extraHosts.isEmpty();
        }
    }

    /** The same config stopping this way. */
    public ContainerConfig withStop(Stop newStop) {
        return new ContainerConfig(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin,
                mounts, limits, networkMode, autoRemove, hostAccess, hardening, tmpfs, setup, newStop);
    }

    /**
     * How {@code docker stop} (and {@code restart}) ends the container when the request names neither:
     * this signal, then SIGKILL once the timeout has passed (configs stored before these options read
     * as the defaults).
     *
     * @param signal         {@code --stop-signal}, or the image's {@code STOPSIGNAL}; empty for SIGTERM
     * @param timeoutSeconds {@code --stop-timeout}; null for 10 s, -1 to wait for the exit without a SIGKILL
     */
    public record Stop(String signal, Integer timeoutSeconds) {
        public static final Stop DEFAULT = new Stop("", null);
        /** Seconds a stop waits when neither the request nor the container says. */
        public static final int DEFAULT_TIMEOUT = 10;

        public Stop {
            signal = signal == null ? "" : signal;
        }

        /** The signal a stop sends when its request names none. */
        public String signalOrTerm() {
            return signal.isEmpty() ? "TERM" : signal;
        }

        /** The seconds a stop waits when its request says nothing; -1: no end. */
        public int timeout() {
            return timeoutSeconds == null ? DEFAULT_TIMEOUT : timeoutSeconds;
        }
    }

    /** Whether the container mounts the volume of this name. */
    public boolean mountsVolume(String volume) {
        return mounts.stream().anyMatch(m -> m.isVolume() && m.source().equals(volume));
    }

    /** The same config with these mounts. */
    public ContainerConfig withMounts(List<Mount> newMounts) {
        return new ContainerConfig(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin,
                newMounts, limits, networkMode, autoRemove, hostAccess, hardening, tmpfs, setup, stop);
    }

    /**
     * A bind of a host path ({@code source} starts with '/') or of a named volume; {@code source} is
     * empty only as asked at create, for an anonymous volume, which the create names before it is recorded.
     * {@code noCopy}: the image's content at {@code target} is not copied into the volume
     * ({@code -v NAME:/path:nocopy}, {@code --mount ...,volume-nocopy}); mounts stored before it read as false.
     */
    public record Mount(String source, String target, boolean readOnly, boolean noCopy) {

        /** A mount that copies as dockerd does by default. */
        public Mount(String source, String target, boolean readOnly) {
            this(source, target, readOnly, false);
        }

        public boolean isVolume() {
            return !source.startsWith("/");
        }

        /**
         * dockerd's rule (populateVolumes, at create): a volume not asked {@code nocopy} gets what the
         * image holds at its target, if that is a directory and the volume is empty then; a bind never.
         */
        public boolean copiesImageContent() {
            return isVolume() && !noCopy;
        }

        /** The same mount of another source (the name the create gives an anonymous volume). */
        public Mount withSource(String newSource) {
            return new Mount(newSource, target, readOnly, noCopy);
        }
    }

    /** The mounts whose volume gets the image's content at its target, if empty at create ({@link Mount#copiesImageContent}). */
    public List<Mount> copyingMounts() {
        return mounts.stream().filter(Mount::copiesImageContent).toList();
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
     * @param deviceCgroupRules device access the cgroup allows ({@code --device-cgroup-rule 'c 1:3 rwm'}): with
     *                    CAP_MKNOD, a node made for such a device reaches the host's
     */
    public record HostAccess(boolean privileged, List<String> capAdd, List<String> devices, List<String> securityOpt,
                             String pidMode, List<String> deviceCgroupRules) {
        public static final HostAccess NONE = new HostAccess(false, List.of(), List.of(), List.of(), "");

        /** Host access without device cgroup rules. */
        public HostAccess(boolean privileged, List<String> capAdd, List<String> devices, List<String> securityOpt,
                          String pidMode) {
            this(privileged, capAdd, devices, securityOpt, pidMode, List.of());
        }

        public HostAccess {
            capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
            devices = devices == null ? List.of() : List.copyOf(devices);
            securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
            pidMode = pidMode == null ? "" : pidMode;
            deviceCgroupRules = deviceCgroupRules == null ? List.of() : List.copyOf(deviceCgroupRules);
        }

        public boolean any() {
            return privileged || !capAdd.isEmpty() || !devices.isEmpty() || !securityOpt.isEmpty()
                    || pidMode.equals("host") || !deviceCgroupRules.isEmpty();
        }
    }

    /**
     * Resource limits; 0 means unlimited, or the kernel's default (configs stored before the cpu
     * and swap options read as none of them).
     *
     * @param cpuShares       relative cpu weight ({@code --cpu-shares}; the kernel's default is 1024)
     * @param cpusetCpus      cpus it may run on, as {@code 0-1,3} ({@code --cpuset-cpus}), or empty for all
     * @param cpusetMems      memory nodes it may use ({@code --cpuset-mems}), or empty for all
     * @param memorySwapBytes memory and swap together ({@code --memory-swap}); -1 for unlimited swap
     */
    public record Limits(long memoryBytes, long nanoCpus, long pidsLimit, long cpuShares, String cpusetCpus,
                         String cpusetMems, long memorySwapBytes) {
        public static final Limits NONE = new Limits(0, 0, 0);

        /** Memory, cpu and pids limits only. */
        public Limits(long memoryBytes, long nanoCpus, long pidsLimit) {
            this(memoryBytes, nanoCpus, pidsLimit, 0, "", "", 0);
        }

        public Limits {
            cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
            cpusetMems = cpusetMems == null ? "" : cpusetMems;
        }
    }
}
