package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.container.ContainerConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code HostConfig} of a create body: what tally applies, and the options the config does not
 * carry ({@link AskedOptions}, decided per role by the domain's option table); those are typed only as far as telling whether
 * they are set needs; every other field is kept as sent ({@code others}, see {@link OtherFields}).
 * A new option is a field here, read into the config by {@link ContainerCreateBody}.
 */
public record HostConfigBody(
        List<String> binds,
        long memory,
        long nanoCpus,
        long pidsLimit,
        long cpuShares,
        String cpusetCpus,
        String cpusetMems,
        long memorySwap,
        long shmSize,
        List<String> groupAdd,
        boolean init,
        String cgroupnsMode,
        List<String> extraHosts,
        List<String> dns,
        List<String> dnsSearch,
        List<String> dnsOptions,
        List<String> deviceCgroupRules,
        String networkMode,
        boolean autoRemove,
        boolean privileged,
        List<String> capAdd,
        List<String> capDrop,
        List<Device> devices,
        List<String> securityOpt,
        String pidMode,
        boolean readonlyRootfs,
        Map<String, String> tmpfs,
        String ipcMode,
        String runtime,
        RestartPolicy restartPolicy,
        // not in the config: see AskedOptions
        List<Map<String, Object>> mounts,
        Map<String, List<Object>> portBindings,
        boolean publishAllPorts,
        @JsonProperty("UTSMode") String utsMode,
        String usernsMode,
        Map<String, String> sysctls,
        List<Map<String, Object>> ulimits,
        String cgroupParent,
        List<String> links,
        List<String> volumesFrom,
        boolean oomKillDisable,
        // every other field, as sent: see OtherFields
        @JsonAnySetter Map<String, JsonNode> others) {

    static final HostConfigBody ZERO = Bodies.zero(HostConfigBody.class);

    public HostConfigBody {
        restartPolicy = restartPolicy == null ? RestartPolicy.ZERO : restartPolicy;
        others = others == null ? Map.of() : new java.util.TreeMap<>(others);
        capAdd = CapabilityNames.canonical(capAdd);
        capDrop = CapabilityNames.canonical(capDrop);
    }

    /** {@code --device}: {@code PathInContainer} defaults to the host path, permissions to rwm. */
    public record Device(String pathOnHost, String pathInContainer, String cgroupPermissions) {
        String spec() {
            return pathOnHost + ":" + (pathInContainer.isEmpty() ? pathOnHost : pathInContainer) + ":"
                    + (cgroupPermissions.isEmpty() ? "rwm" : cgroupPermissions);
        }
    }

    /** {@code --restart}: only "no" (or nothing) is applied. */
    public record RestartPolicy(String name, long maximumRetryCount) {
        static final RestartPolicy ZERO = new RestartPolicy("", 0);
    }

    ContainerConfig.HostAccess hostAccess() {
        return new ContainerConfig.HostAccess(privileged, capAdd, devices.stream().map(Device::spec).toList(),
                securityOpt, pidMode, deviceCgroupRules);
    }
}
