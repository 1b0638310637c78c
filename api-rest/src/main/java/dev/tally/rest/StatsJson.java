package dev.tally.rest;

import dev.tally.domain.container.ResourceUsage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One frame of {@code GET /containers/{id}/stats}, in Docker's field names and shapes
 * ({@code StatsResponse}): what the docker CLI computes its CPU, memory, block I/O and PIDS
 * columns from. A container that does not run gets the frame dockerd gives it: its name and id,
 * zero times and empty stats. Lists Docker leaves nil are null.
 */
final class StatsJson {

    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private StatsJson() {
    }

    /**
     * @param now      this sample, or empty for a container that does not run
     * @param previous the sample before it in this answer, whose CPU figures are {@code precpu_stats}
     */
    static JsonObject frame(String name, String id, java.util.Optional<ResourceUsage> now, ResourceUsage previous) {
        JsonObject out = new JsonObject().put("name", "/" + name).put("id", id);
        if (now.isEmpty()) {
            return out.put("read", ZERO_TIME).put("preread", ZERO_TIME).put("pids_stats", new JsonObject())
                    .put("blkio_stats", blkio(List.of(), List.of())).put("num_procs", 0).put("storage_stats", new JsonObject())
                    .put("cpu_stats", cpu(null)).put("precpu_stats", cpu(null)).put("memory_stats", new JsonObject());
        }
        ResourceUsage u = now.get();
        JsonObject pids = new JsonObject().put("current", u.pids());
        if (u.pidsLimit() > 0) {
            pids.put("limit", u.pidsLimit());
        }
        JsonObject memory = new JsonObject().put("usage", u.memory().usage());
        if (u.memory().maxUsage() > 0) {
            memory.put("max_usage", u.memory().maxUsage());
        }
        JsonObject stats = new JsonObject();
        u.memory().stats().forEach(stats::put);
        memory.put("stats", stats);
        if (u.memory().failcnt() > 0) {
            memory.put("failcnt", u.memory().failcnt());
        }
        memory.put("limit", u.memory().limit());
        return out.put("read", u.read().toString())
                .put("preread", previous == null ? ZERO_TIME : previous.read().toString())
                .put("pids_stats", pids)
                .put("blkio_stats", blkio(u.ioServiceBytes(), u.ioServiced()))
                .put("num_procs", 0)
                .put("storage_stats", new JsonObject())
                .put("cpu_stats", cpu(u))
                .put("precpu_stats", cpu(previous))
                .put("memory_stats", memory);
    }

    /** {@code cpu_stats}: zeros for no sample, as dockerd's first frame has them in {@code precpu_stats}. */
    private static JsonObject cpu(ResourceUsage u) {
        JsonObject usage = new JsonObject().put("total_usage", u == null ? 0 : u.cpu().totalNanos());
        if (u != null && !u.cpu().perCpuNanos().isEmpty()) {
            usage.put("percpu_usage", new JsonArray(new java.util.ArrayList<>(u.cpu().perCpuNanos())));
        }
        usage.put("usage_in_kernelmode", u == null ? 0 : u.cpu().systemNanos())
                .put("usage_in_usermode", u == null ? 0 : u.cpu().userNanos());
        JsonObject cpu = new JsonObject().put("cpu_usage", usage);
        if (u != null) {
            cpu.put("system_cpu_usage", u.systemCpuNanos()).put("online_cpus", u.onlineCpus());
        }
        return cpu.put("throttling_data", new JsonObject()
                .put("periods", u == null ? 0 : u.cpu().periods())
                .put("throttled_periods", u == null ? 0 : u.cpu().throttledPeriods())
                .put("throttled_time", u == null ? 0 : u.cpu().throttledNanos()));
    }

    private static JsonObject blkio(List<ResourceUsage.BlockIo> bytes, List<ResourceUsage.BlockIo> serviced) {
        return new JsonObject()
                .put("io_service_bytes_recursive", entries(bytes))
                .put("io_serviced_recursive", entries(serviced))
                .put("io_queue_recursive", null)
                .put("io_service_time_recursive", null)
                .put("io_wait_time_recursive", null)
                .put("io_merged_recursive", null)
                .put("io_time_recursive", null)
                .put("sectors_recursive", null);
    }

    private static JsonArray entries(List<ResourceUsage.BlockIo> list) {
        if (list.isEmpty()) {
            return null;
        }
        JsonArray out = new JsonArray();
        for (ResourceUsage.BlockIo e : list) {
            out.add(new JsonObject().put("major", e.major()).put("minor", e.minor()).put("op", e.op()).put("value", e.value()));
        }
        return out;
    }
}
