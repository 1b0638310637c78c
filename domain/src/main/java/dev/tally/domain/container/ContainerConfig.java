package dev.tally.domain.container;

import java.util.List;
import java.util.Map;

/**
 * What a container is made of, as the user asked for it. Never changes after creation; the run
 * lifecycle lives apart, in the aggregate's status.
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
        boolean autoRemove) {

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
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default")
                ? "none" : networkMode;
    }

    /** A bind of a host path ({@code source} starts with '/') or of a named volume. */
    public record Mount(String source, String target, boolean readOnly) {
        public boolean isVolume() {
            return !source.startsWith("/");
        }
    }

    /** Resource limits; 0 means unlimited. */
    public record Limits(long memoryBytes, long nanoCpus, long pidsLimit) {
        public static final Limits NONE = new Limits(0, 0, 0);
    }
}
