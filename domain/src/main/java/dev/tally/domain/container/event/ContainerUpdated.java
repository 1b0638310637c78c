package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Someone changed the limits of a container ({@code docker update}): {@code limits} are all of them
 * from now on, for its cgroup while it runs and for its next starts.
 */
public record ContainerUpdated(String containerId, ContainerConfig.Limits limits, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "update";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("memory", Long.toString(limits.memoryBytes()),
                "memory_swap", Long.toString(limits.memorySwapBytes()),
                "nano_cpus", Long.toString(limits.nanoCpus()),
                "cpu_shares", Long.toString(limits.cpuShares()),
                "pids_limit", Long.toString(limits.pidsLimit()),
                "cpuset_cpus", limits.cpusetCpus(),
                "cpuset_mems", limits.cpusetMems());
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "update"));
    }
}
