package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ResourceUsage;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Limits and usage of real runc containers: the live cgroup, the bundle for the next start, and usage read back. */
class RuncResourcesTest {

    private static ContainerConfig config(ContainerConfig.Limits limits, String... cmd) {
        return new ContainerConfig("busybox", List.of(), List.of(cmd), List.of(), "", "", "", Map.of(), false, false,
                List.of(), limits, "none", false, ContainerConfig.HostAccess.NONE);
    }

    @Test
    void anUpdateReachesTheRunningCgroupAndTheBundle() throws Exception {
        try (RealRunc r = new RealRunc()) {
            String id = r.create(config(new ContainerConfig.Limits(64L << 20, 0, 0), "sleep", "60"), null);
            r.runtime.start(id);
            RuncResources resources = new RuncResources(r.dataRoot, r.root.resolve("run"), "runc", r.runtime);
            ContainerConfig.Limits limits = new ContainerConfig.Limits(32L << 20, 500_000_000L, 40);
            resources.update(id, limits);
            ContainerCgroup live = CgroupHierarchy.host().container(id);
            assertEquals(OptionalLong.of(32L << 20), live.memoryLimit());
            assertEquals(OptionalLong.of(40), live.pidsLimit());
            assertEquals(new ContainerCgroup.CpuQuota(50_000, 100_000), live.cpuQuota().orElseThrow());
            JsonNode spec = new ObjectMapper().readTree(r.dataRoot.resolve("containers").resolve(id).resolve("config.json").toFile());
            assertEquals(32L << 20, spec.path("linux").path("resources").path("memory").path("limit").asLong());
            assertTrue(spec.path("linux").path("resources").path("devices").size() > 0, "the rest of the resources is kept");

            ResourceUsage u = resources.usage(id).orElseThrow();
            assertEquals(32L << 20, u.memory().limit());
            assertEquals(1, u.pids());
            assertEquals(40, u.pidsLimit());
            assertTrue(u.cpu().totalNanos() > 0 && u.systemCpuNanos() > 0);

            assertEquals(java.util.Optional.empty(), resources.differingLimits(id, limits));
            assertEquals(java.util.Optional.of(limits), resources.differingLimits(id, new ContainerConfig.Limits(64L << 20, 0, 0)),
                    "an update the log did not record is found");

            resources.update(id, new ContainerConfig.Limits(32L << 20, 0, 0));
            assertTrue(live.cpuQuota().isEmpty(), "a lifted limit is lifted in the cgroup");
            assertEquals(OptionalLong.empty(), live.pidsLimit());
        }
    }

    @Test
    void aBundleAsCreateWroteItHoldsItsConfigsLimits() throws Exception {
        try (RealRunc r = new RealRunc()) {
            ContainerConfig.Limits limits = new ContainerConfig.Limits(64L << 20, 123_456_789L, 50, 512, "0", "0", 128L << 20);
            String id = r.create(config(limits, "true"), null);
            RuncResources resources = new RuncResources(r.dataRoot, r.root.resolve("run"), "runc", r.runtime);
            assertEquals(java.util.Optional.empty(), resources.differingLimits(id, limits), "no difference where there is none");
            assertEquals(java.util.Optional.empty(), resources.differingLimits("f00d", limits), "no bundle, nothing to say");
        }
    }

    @Test
    void cpusTheHostLacksAreRefusedAndChangeNothing() throws Exception {
        try (RealRunc r = new RealRunc()) {
            String id = r.create(config(new ContainerConfig.Limits(64L << 20, 0, 0), "sleep", "60"), null);
            r.runtime.start(id);
            RuncResources resources = new RuncResources(r.dataRoot, r.root.resolve("run"), "runc", r.runtime);
            DomainException e = assertThrows(DomainException.class,
                    () -> resources.update(id, new ContainerConfig.Limits(64L << 20, 0, 0, 0, "7-9", "", 0)));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            JsonNode spec = new ObjectMapper().readTree(r.dataRoot.resolve("containers").resolve(id).resolve("config.json").toFile());
            assertTrue(spec.path("linux").path("resources").path("cpu").path("cpus").isMissingNode());
        }
    }

    @Test
    void aContainerThatDoesNotRunHasNoUsageAndItsBundleTakesTheLimits() throws Exception {
        try (RealRunc r = new RealRunc()) {
            String id = r.create(config(ContainerConfig.Limits.NONE, "sleep", "60"), null);
            RuncResources resources = new RuncResources(r.dataRoot, r.root.resolve("run"), "runc", r.runtime);
            assertTrue(resources.usage(id).isEmpty());
            resources.update(id, new ContainerConfig.Limits(16L << 20, 0, 0));
            r.runtime.start(id);
            assertEquals(OptionalLong.of(16L << 20), CgroupHierarchy.host().container(id).memoryLimit());
        }
    }
}
