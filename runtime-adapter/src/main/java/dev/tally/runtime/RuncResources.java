package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerResources;
import dev.tally.domain.container.ContainerRuntime;
import dev.tally.domain.container.ResourceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Containers' resources as {@link RuncRuntime} lays them out: usage from the cgroup runc made
 * ({@link CgroupHierarchy#container}), limits in the bundle's {@code config.json} (what the next start
 * applies) and, for a running container, through {@code runc update} (what its cgroup holds now).
 */
public final class RuncResources implements ContainerResources {

    /** The CPU period of a {@code --cpus} limit, Docker's. */
    private static final long PERIOD = 100_000;

    private final Path containers;
    private final Path runcRoot;
    private final String runc;
    private final ContainerRuntime runtime;
    private final CgroupHierarchy cgroups;
    private final CgroupStats stats;
    private final ObjectMapper json = new ObjectMapper();

    /** @param runtime the runtime that runs the containers, asked whether one runs */
    public RuncResources(Path dataRoot, Path runRoot, String runc, ContainerRuntime runtime) {
        this(dataRoot, runRoot, runc, runtime, CgroupHierarchy.host(), CgroupStats.host());
    }

    RuncResources(Path dataRoot, Path runRoot, String runc, ContainerRuntime runtime, CgroupHierarchy cgroups,
                  CgroupStats stats) {
        this.containers = dataRoot.resolve("containers");
        this.runcRoot = runRoot.resolve("runc");
        this.runc = runc;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.stats = stats;
    }

    @Override
    public Optional<ResourceUsage> usage(String id) {
        ContainerCgroup cgroup = cgroups.container(id);
        if (cgroup.directories().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(stats.read(cgroup));
        } catch (IOException e) {
            if (CgroupStats.gone(e) && cgroup.directories().isEmpty()) {
                return Optional.empty(); // it ended while it was read
            }
            throw new DomainException(DomainException.Kind.FAILED, "read the stats of " + id + " from its " + cgroup
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void update(String id, ContainerConfig.Limits limits) {
        Path dir = containers.resolve(id);
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw DomainException.notFound("No such container: " + id);
        }
        CpuSets.requireAvailable(limits.cpusetCpus(), limits.cpusetMems());
        Path written = dir.resolve("config.json.update");
        try {
            JsonNode spec = json.readTree(config.toFile());
            if (!(spec.path("linux") instanceof ObjectNode linux)) {
                throw new DomainException(DomainException.Kind.FAILED, "config.json of " + id + " has no linux section");
            }
            linux.set("resources", withLimits(linux.path("resources"), limits));
            json.writeValue(written.toFile(), spec);
            if (runtime.inspect(id).running()) {
                HostCommand r = HostCommand.run(updateCommand(id, limits));
                if (!r.ok()) {
                    String said = HostCommand.runcMessage(r.stderr());
                    throw new DomainException(DomainException.Kind.FAILED, "Cannot update container " + id + ": "
                            + (said.isEmpty() ? "runc update: exit " + r.exitCode() + " without a message" : said));
                }
            }
            Files.move(written, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "update the limits of " + id + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(written);
            } catch (IOException e) {
                // a leftover .update file is overwritten by the next update and read by nobody
            }
        }
    }

    @Override
    public Optional<ContainerConfig.Limits> differingLimits(String id, ContainerConfig.Limits limits) {
        Path config = containers.resolve(id).resolve("config.json");
        if (!Files.isRegularFile(config, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            JsonNode held = json.readTree(config.toFile()).path("linux").path("resources");
            // through text, so that numbers compare as read from a file (an int node is not a long node)
            JsonNode expected = json.readTree(json.writeValueAsString(withLimits(held, limits)));
            if (expected.equals(held)) {
                return Optional.empty();
            }
            JsonNode memory = held.path("memory");
            JsonNode cpu = held.path("cpu");
            long period = cpu.path("period").asLong(PERIOD);
            long quota = cpu.path("quota").asLong(0);
            return Optional.of(new ContainerConfig.Limits(memory.path("limit").asLong(0),
                    quota > 0 && period > 0 ? quota * 1_000_000_000L / period : 0, held.path("pids").path("limit").asLong(0),
                    cpu.path("shares").asLong(0), cpu.path("cpus").asText(""), cpu.path("mems").asText(""),
                    memory.path("swap").asLong(0)));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read the limits in the bundle of " + id + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The spec's {@code linux.resources} with its memory, cpu and pids parts as {@code limits} say, as
     * {@link OciSpec} writes them at create; its other parts (devices) kept.
     */
    private ObjectNode withLimits(JsonNode resources, ContainerConfig.Limits limits) {
        ObjectNode out = resources instanceof ObjectNode o ? o.deepCopy() : json.createObjectNode();
        out.remove(List.of("memory", "cpu", "pids"));
        ObjectNode memory = json.createObjectNode();
        if (limits.memoryBytes() > 0) {
            memory.put("limit", limits.memoryBytes());
        }
        if (limits.memorySwapBytes() != 0) {
            memory.put("swap", limits.memorySwapBytes());
        }
        ObjectNode cpu = json.createObjectNode();
        if (limits.nanoCpus() > 0) {
            cpu.put("quota", limits.nanoCpus() * PERIOD / 1_000_000_000L);
            cpu.put("period", PERIOD);
        }
        if (limits.cpuShares() > 0) {
            cpu.put("shares", limits.cpuShares());
        }
        if (!limits.cpusetCpus().isEmpty()) {
            cpu.put("cpus", limits.cpusetCpus());
        }
        if (!limits.cpusetMems().isEmpty()) {
            cpu.put("mems", limits.cpusetMems());
        }
        if (!memory.isEmpty()) {
            out.set("memory", memory);
        }
        if (!cpu.isEmpty()) {
            out.set("cpu", cpu);
        }
        if (limits.pidsLimit() > 0) {
            out.set("pids", json.createObjectNode().put("limit", limits.pidsLimit()));
        }
        return out;
    }

    /**
     * {@code runc update} with every limit: runc leaves a flag it is not given (or given 0) as it is,
     * so a limit lifted is said as -1 (no quota, no pids limit).
     */
    private List<String> updateCommand(String id, ContainerConfig.Limits limits) {
        List<String> cmd = new ArrayList<>(List.of(runc, "--root", runcRoot.toString(), "update"));
        if (limits.memoryBytes() > 0) {
            cmd.addAll(List.of("--memory", Long.toString(limits.memoryBytes())));
        }
        if (limits.memorySwapBytes() != 0) {
            cmd.addAll(List.of("--memory-swap", Long.toString(limits.memorySwapBytes())));
        }
        cmd.addAll(List.of("--cpu-period", Long.toString(PERIOD), "--cpu-quota",
                Long.toString(limits.nanoCpus() > 0 ? limits.nanoCpus() * PERIOD / 1_000_000_000L : -1)));
        if (limits.cpuShares() > 0) {
            cmd.addAll(List.of("--cpu-share", Long.toString(limits.cpuShares())));
        }
        if (!limits.cpusetCpus().isEmpty()) {
            cmd.addAll(List.of("--cpuset-cpus", limits.cpusetCpus()));
        }
        if (!limits.cpusetMems().isEmpty()) {
            cmd.addAll(List.of("--cpuset-mems", limits.cpusetMems()));
        }
        cmd.addAll(List.of("--pids-limit", Long.toString(limits.pidsLimit() > 0 ? limits.pidsLimit() : -1)));
        cmd.add(id);
        return cmd;
    }

    @Override
    public long writableBytes(String id) {
        return DiskUsage.bytes(containers.resolve(id).resolve("upper"));
    }
}
