package dev.tally.cli.run;

import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of the flags and arguments shared by {@code run} and {@code create}
 * (declared by {@link ContainerFlags}), with docker's names and meaning, and their
 * translation into the body of {@code POST /containers/create}.
 */
public final class ContainerOptions {

    String name;
    final List<String> env = new ArrayList<>();
    final List<String> envFiles = new ArrayList<>();
    String workdir;
    String user;
    String entrypoint;
    String hostname;
    final List<String> labels = new ArrayList<>();
    String memory;
    String cpus;
    Long pidsLimit;
    final List<String> volumes = new ArrayList<>();
    String network;
    boolean privileged;
    final List<String> capAdd = new ArrayList<>();
    final List<String> capDrop = new ArrayList<>();
    boolean readOnly;
    final List<String> tmpfs = new ArrayList<>();
    final List<String> mounts = new ArrayList<>();
    final List<String> devices = new ArrayList<>();
    final List<String> securityOpt = new ArrayList<>();
    String pid;
    String stopSignal;
    Integer stopTimeout;
    boolean interactive;
    boolean tty;
    boolean autoRemove;
    String image;
    final List<String> command = new ArrayList<>();

    /**
     * The JSON body for {@code POST /containers/create}.
     *
     * @param attached    whether the CLI will attach to the container's streams (not -d)
     * @param consoleSize terminal rows and columns, or null when unknown
     * @param callerEnv   the CLI's environment, for {@code -e NAME} without a value
     * @throws CliException (exit 125) for a flag value that cannot be understood
     */
    Map<String, Object> toCreateBody(boolean attached, int[] consoleSize, Map<String, String> callerEnv) {
        Map<String, Object> hostConfig = new LinkedHashMap<>();
        List<String> binds = validatedBinds();
        hostConfig.put("Binds", binds.isEmpty() ? null : binds);
        hostConfig.put("Memory", memory == null ? 0L : flagValue("-m, --memory", memory, ByteSize::parse));
        hostConfig.put("NanoCpus", cpus == null ? 0L : flagValue("--cpus", cpus, CpuCount::parseNanoCpus));
        if (pidsLimit != null) {
            hostConfig.put("PidsLimit", pidsLimit);
        }
        if (network != null) {
            hostConfig.put("NetworkMode", network);
        }
        if (privileged) {
            hostConfig.put("Privileged", true);
        }
        if (!capAdd.isEmpty()) {
            hostConfig.put("CapAdd", List.copyOf(capAdd));
        }
        if (!capDrop.isEmpty()) {
            hostConfig.put("CapDrop", List.copyOf(capDrop));
        }
        if (readOnly) {
            hostConfig.put("ReadonlyRootfs", true);
        }
        if (!tmpfs.isEmpty()) {
            Map<String, Object> mounts = new LinkedHashMap<>();
            for (String t : tmpfs) {
                int colon = t.indexOf(':');
                mounts.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
            }
            hostConfig.put("Tmpfs", mounts);
        }
        if (!mounts.isEmpty()) {
            List<Object> entries = new ArrayList<>();
            for (String m : mounts) {
                try {
                    entries.add(MountSpec.parse(m));
                } catch (IllegalArgumentException e) {
                    throw invalidFlag("--mount", m, e.getMessage());
                }
            }
            hostConfig.put("Mounts", entries);
        }
        if (!devices.isEmpty()) {
            hostConfig.put("Devices", deviceMappings());
        }
        if (!securityOpt.isEmpty()) {
            hostConfig.put("SecurityOpt", List.copyOf(securityOpt));
        }
        if (pid != null) {
            hostConfig.put("PidMode", pid);
        }
        hostConfig.put("AutoRemove", autoRemove);
        hostConfig.put("ConsoleSize", consoleSize == null ? List.of(0, 0) : List.of(consoleSize[0], consoleSize[1]));

        boolean attachStdin = attached && interactive;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", image);
        body.put("Cmd", command.isEmpty() ? null : List.copyOf(command));
        body.put("Entrypoint", entrypoint == null ? null : List.of(entrypoint));
        body.put("Env", environment(callerEnv));
        body.put("WorkingDir", workdir == null ? "" : workdir);
        body.put("User", user == null ? "" : user);
        body.put("Hostname", hostname == null ? "" : hostname);
        body.put("Labels", labelMap());
        // -v PATH: an anonymous volume, which the docker CLI asks for in Volumes, not in Binds
        Map<String, Object> anonymous = new LinkedHashMap<>();
        for (String v : volumes) {
            if (!v.contains(":")) {
                anonymous.put(v, Map.of());
            }
        }
        if (!anonymous.isEmpty()) {
            body.put("Volumes", anonymous);
        }
        body.put("Tty", tty);
        body.put("OpenStdin", interactive);
        if (stopSignal != null) {
            body.put("StopSignal", stopSignal);
        }
        if (stopTimeout != null) {
            body.put("StopTimeout", stopTimeout);
        }
        body.put("StdinOnce", attachStdin);
        body.put("AttachStdin", attachStdin);
        body.put("AttachStdout", attached);
        body.put("AttachStderr", attached);
        body.put("HostConfig", hostConfig);
        return body;
    }

    /** The env files' variables first, then {@code -e}'s, as the docker CLI orders them. */
    private List<String> environment(Map<String, String> callerEnv) {
        List<String> result = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String file : envFiles) {
            all.addAll(EnvFile.read(java.nio.file.Path.of(file)));
        }
        all.addAll(env);
        for (String entry : all) {
            if (entry.contains("=")) {
                result.add(entry);
            } else if (callerEnv.containsKey(entry)) {
                result.add(entry + "=" + callerEnv.get(entry));
            }
        }
        return result;
    }

    private Map<String, String> labelMap() {
        return labelMap(labels);
    }

    /** Labels given as KEY=VALUE (or KEY, for an empty value), in the order given. */
    public static Map<String, String> labelMap(List<String> labels) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String label : labels) {
            int eq = label.indexOf('=');
            if (eq < 0) {
                result.put(label, "");
            } else {
                result.put(label.substring(0, eq), label.substring(eq + 1));
            }
        }
        return result;
    }

    /** The {@code -v} values that are binds or named volumes; {@code -v PATH} alone is an anonymous volume. */
    private List<String> validatedBinds() {
        List<String> binds = new ArrayList<>();
        for (String bind : volumes) {
            if (!bind.contains(":") && bind.startsWith("/")) {
                continue;
            }
            binds.add(bind);
            String[] parts = bind.split(":", -1);
            boolean wellFormed = parts.length >= 2 && parts.length <= 3
                    && !parts[0].isEmpty() && parts[1].startsWith("/")
                    && (parts.length == 2 || parts[2].matches("(ro|rw|z|Z|nocopy)(,(ro|rw|z|Z|nocopy))*"));
            if (!wellFormed) {
                throw invalidFlag("-v, --volume", bind, "invalid volume specification: '" + bind + "'");
            }
        }
        return binds;
    }

    /** docker's --device HOST[:CONTAINER][:PERMISSIONS], as HostConfig.Devices entries. */
    private List<Map<String, String>> deviceMappings() {
        List<Map<String, String>> out = new ArrayList<>();
        for (String device : devices) {
            String[] parts = device.split(":", -1);
            String onHost = parts[0];
            String inside = onHost;
            String permissions = "rwm";
            if (parts.length == 2) {
                if (parts[1].matches("[rwm]{1,3}")) {
                    permissions = parts[1];
                } else {
                    inside = parts[1];
                }
            } else if (parts.length == 3) {
                inside = parts[1];
                permissions = parts[2];
            }
            if (parts.length > 3 || !onHost.startsWith("/") || !inside.startsWith("/")
                    || !permissions.matches("[rwm]{1,3}")) {
                throw invalidFlag("--device", device, "invalid device specification: " + device);
            }
            Map<String, String> mapping = new LinkedHashMap<>();
            mapping.put("PathOnHost", onHost);
            mapping.put("PathInContainer", inside);
            mapping.put("CgroupPermissions", permissions);
            out.add(mapping);
        }
        return out;
    }

    private interface Conversion {
        long convert(String text);
    }

    private static long flagValue(String flag, String text, Conversion conversion) {
        try {
            return conversion.convert(text);
        } catch (IllegalArgumentException e) {
            throw invalidFlag(flag, text, e.getMessage());
        }
    }

    private static CliException invalidFlag(String flag, String value, String reason) {
        return new CliException(
                "invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + reason, ExitCodeMapper.RUN_FAILURE);
    }
}
