package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tally.domain.container.ResourceUsage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Frames in the shape the docker CLI computes its columns from (cli/command/container/stats_helpers.go). */
class StatsJsonTest {

    private static ResourceUsage sample(long cpu, long system, Instant at) {
        return new ResourceUsage(at, new ResourceUsage.Cpu(cpu, cpu / 2, cpu / 4, List.of(cpu), 0, 0, 0), system, 2,
                new ResourceUsage.Memory(4096, 8192, 0, 64L << 20, Map.of("total_inactive_file", 1024L)),
                List.of(new ResourceUsage.BlockIo(8, 0, "Read", 4096)), List.of(), 3, 0);
    }

    /** The CLI's CPU column: (cpu delta / system delta) × online CPUs × 100. */
    private static double cpuPercent(JsonObject frame) {
        double cpu = frame.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage")
                - frame.getJsonObject("precpu_stats").getJsonObject("cpu_usage").getLong("total_usage");
        double system = frame.getJsonObject("cpu_stats").getLong("system_cpu_usage")
                - frame.getJsonObject("precpu_stats").getLong("system_cpu_usage", 0L);
        return cpu / system * frame.getJsonObject("cpu_stats").getInteger("online_cpus") * 100;
    }

    @Test
    void aFrameCarriesTheSampleBeforeAsPrecpu() {
        Instant t = Instant.parse("2026-12-05T10:00:00Z");
        JsonObject frame = StatsJson.frame("web", "c0ffee", Optional.of(sample(1_500_000_000L, 12_000_000_000L, t.plusSeconds(1))),
                sample(1_000_000_000L, 10_000_000_000L, t));
        assertEquals("/web", frame.getString("name"));
        assertEquals("2026-12-05T10:00:00Z", frame.getString("preread"));
        assertEquals(50.0, cpuPercent(frame), 0.001);
        assertEquals(4096L, frame.getJsonObject("memory_stats").getLong("usage"));
        assertEquals(64L << 20, frame.getJsonObject("memory_stats").getLong("limit"));
        assertEquals(1024L, frame.getJsonObject("memory_stats").getJsonObject("stats").getLong("total_inactive_file"));
        assertEquals("Read", frame.getJsonObject("blkio_stats").getJsonArray("io_service_bytes_recursive").getJsonObject(0)
                .getString("op"));
        assertNull(frame.getJsonObject("blkio_stats").getJsonArray("io_serviced_recursive"), "Go's nil list");
        assertEquals(3L, frame.getJsonObject("pids_stats").getLong("current"));
        assertFalse(frame.getJsonObject("pids_stats").containsKey("limit"), "no limit: omitted, as dockerd omits it");
    }

    @Test
    void aContainerThatDoesNotRunIsItsNameIdAndZeros() {
        JsonObject frame = StatsJson.frame("web", "c0ffee", Optional.empty(), null);
        assertEquals(StatsJson.ZERO_TIME, frame.getString("read"));
        assertEquals(0L, frame.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage"));
        assertEquals(new JsonObject(), frame.getJsonObject("memory_stats"));
    }
}
