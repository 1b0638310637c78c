package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.ContainerConfig;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /containers/create}: the fields of Docker's container config that tally
 * reads, its {@link HostConfigBody} and {@link NetworkingConfigBody}, and every other field as sent
 * ({@code others}), which is accepted only as the option table says ({@link AskedOptions}).
 */
public record ContainerCreateBody(
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
        Map<String, JsonNode> volumes,
        String stopSignal,
        // absent or null is no timeout of its own (10 s), not 0
        @com.fasterxml.jackson.annotation.JsonSetter(nulls = com.fasterxml.jackson.annotation.Nulls.SET) Integer stopTimeout,
        HostConfigBody hostConfig,
        NetworkingConfigBody networkingConfig,
        @JsonAnySetter Map<String, JsonNode> others) {

    public ContainerCreateBody {
        hostConfig = hostConfig == null ? HostConfigBody.ZERO : hostConfig;
        networkingConfig = networkingConfig == null ? NetworkingConfigBody.ZERO : networkingConfig;
        others = others == null ? Map.of() : new java.util.TreeMap<>(others);
        volumes = volumes == null ? Map.of() : volumes;
    }

    /**
     * The container config asked for. INVALID without an image, for a negative or too small limit,
     * or a bad bind. Options the config does not carry are in {@link #askedOptions()}.
     */
    public ContainerConfig config() {
        HostConfigBody host = hostConfig;
        List<ContainerConfig.Mount> mounts = new java.util.ArrayList<>(host.binds().stream().map(ContainerCreateBody::bind).toList());
        MountEntries entries = MountEntries.of(host.mounts());
        mounts.addAll(entries.mounts());
        List<String> targets = new java.util.ArrayList<>(mounts.stream().map(ContainerConfig.Mount::target).toList());
        targets.addAll(host.tmpfs().keySet());
        targets.addAll(entries.tmpfs().keySet());
        // -v PATH: an anonymous volume at each path that nothing else mounts (dockerd leaves those to the mount)
        java.util.Set<String> mounted = targets.stream().map(MountEntries::cleaned)
                .collect(java.util.stream.Collectors.toSet());
        for (String path : volumes.keySet()) {
            if (!path.startsWith("/")) {
                throw DomainException.invalid("invalid volume specification: '" + path + "': the path must be absolute");
            }
            if (!mounted.contains(MountEntries.cleaned(path))) {
                mounts.add(new ContainerConfig.Mount("", path, false));
                targets.add(path);
            }
        }
        MountEntries.requireDistinctTargets(targets);
        Map<String, String> tmpfs = new java.util.LinkedHashMap<>(host.tmpfs());
        tmpfs.putAll(entries.tmpfs());
        if (image.isBlank()) {
            throw DomainException.invalid("config.Image: an image is required");
        }
        return new ContainerConfig(image, entrypoint, cmd, env, workingDir, user, hostname, labels, tty, openStdin,
                mounts, SetupChecks.limits(host), host.networkMode(), host.autoRemove(), SetupChecks.hostAccess(host),
                new ContainerConfig.Hardening(host.readonlyRootfs(), host.capDrop()), tmpfs, SetupChecks.setup(host),
                new ContainerConfig.Stop(stopSignal, stopTimeout));
    }

    /**
     * The options set that the config does not carry, for the domain to decide per role: the
     * HostConfig's that tally does not apply, then every other field set ({@link AskedOptions}).
     */
    public List<AskedOption> askedOptions() {
        return AskedOptions.of(this);
    }

    /** {@code source:target[:mode]}, as {@code -v} writes it; INVALID otherwise. */
    static ContainerConfig.Mount bind(String spec) {
        String[] p = spec.split(":");
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
            throw DomainException.invalid("invalid volume specification: '" + spec + "'");
        }
        List<String> modes = p.length == 3 ? List.of(p[2].split(",")) : List.of();
        if (p.length == 3 && !p[2].matches("(ro|rw|z|Z|nocopy)(,(ro|rw|z|Z|nocopy))*")) {
            throw DomainException.invalid("invalid mode: " + p[2]);
        }
        boolean noCopy = modes.contains("nocopy");
        if (noCopy && p[0].startsWith("/")) {
            // dockerd reads nocopy as VolumeOptions.NoCopy, which a bind may not have
            throw DomainException.invalid("invalid mount config for type \"bind\": field VolumeOptions must not be specified");
        }
        return new ContainerConfig.Mount(p[0], p[1], modes.contains("ro"), noCopy);
    }
}
