package dev.tally.domain.container;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a container used at one instant, in the terms of Docker's stats ({@code cpu_stats},
 * {@code memory_stats}, {@code blkio_stats}, {@code pids_stats}), whatever the cgroup version.
 *
 * @param read           when it was read
 * @param cpu            CPU time used since the container started
 * @param systemCpuNanos CPU time the whole host has spent since boot, all CPUs together, read with it
 *                       (a CPU share is the container's delta over this delta)
 * @param onlineCpus     CPUs the container may run on
 * @param memory         memory charged to it
 * @param ioServiceBytes bytes read and written per block device ({@code io_service_bytes_recursive})
 * @param ioServiced     reads and writes per block device ({@code io_serviced_recursive})
 * @param pids           processes and threads now
 * @param pidsLimit      the most it may have, 0 for no limit
 */
public record ResourceUsage(Instant read, Cpu cpu, long systemCpuNanos, int onlineCpus, Memory memory,
                            List<BlockIo> ioServiceBytes, List<BlockIo> ioServiced, long pids, long pidsLimit) {

    public ResourceUsage {
        ioServiceBytes = List.copyOf(ioServiceBytes);
        ioServiced = List.copyOf(ioServiced);
    }

    /**
     * @param perCpuNanos per CPU (cgroup v1 only: empty on v2, as in Docker's)
     * @param periods     enforcement periods of its CPU quota that passed, throttled those it was held back in
     */
    public record Cpu(long totalNanos, long userNanos, long systemNanos, List<Long> perCpuNanos, long periods,
                      long throttledPeriods, long throttledNanos) {
        public Cpu {
            perCpuNanos = List.copyOf(perCpuNanos);
        }
    }

    /**
     * @param usage    bytes charged now (page cache included)
     * @param maxUsage the most ever charged (v1; 0 where the cgroup does not say)
     * @param failcnt  times the limit was hit (v1; 0 on v2)
     * @param limit    the limit, or the host's memory when there is none
     * @param stats    the cgroup's {@code memory.stat}, as the kernel names its lines
     */
    public record Memory(long usage, long maxUsage, long failcnt, long limit, Map<String, Long> stats) {
        public Memory {
            stats = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stats));
        }
    }

    /** One line of a block device's counters: {@code op} is Read, Write, Sync, Async, Discard or Total (v1), read or write (v2). */
    public record BlockIo(long major, long minor, String op, long value) {
    }
}
