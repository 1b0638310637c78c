package dev.tally.domain.container;

import java.util.Optional;

/**
 * A container's share of the host: what it uses now and the limits it runs under, read from and
 * written to its cgroup (v1 or v2) and its bundle. Errors are {@link dev.tally.domain.DomainException}s.
 */
public interface ContainerResources {

    /**
     * What the container uses now, read from its cgroup in one pass. Empty when it has no cgroup (it
     * does not run, or has just ended). FAILED when the cgroup is there but cannot be read.
     */
    Optional<ResourceUsage> usage(String id);

    /**
     * Makes {@code limits} the container's: in its bundle, for every later start, and, while it runs,
     * in its cgroup at once. Both or neither: a limit the host refuses (a memory limit below what the
     * container uses, cpus the host lacks) leaves the bundle and the cgroup as they were and is
     * FAILED with the host's words (INVALID for cpus or memory nodes the host does not have).
     * NOT_FOUND for a container without a bundle.
     */
    void update(String id, ContainerConfig.Limits limits);

    /**
     * The limits the container's bundle holds (what its next start applies), if they are not exactly
     * {@code limits} as {@link #update} would write them; empty when they are, or when it has no
     * bundle. For the start-up check of an update the host took and the log did not record.
     */
    Optional<ContainerConfig.Limits> differingLimits(String id, ContainerConfig.Limits limits);

    /** Bytes in the container's own writable layer (what it wrote), 0 when it has none. Never throws. */
    long writableBytes(String id);
}
