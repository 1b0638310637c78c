package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.container.ResourceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's stats from a container's cgroup files, in fake {@code /sys/fs/cgroup} trees laid out as
 * Debian's v1 (hybrid) and v2 mount them, with a fake {@code /proc/stat} and {@code /proc/meminfo}:
 * the same record whatever the version, in Docker's units.
 */
class CgroupStatsTest {

    private static final String ID = "c0ffee";

    @TempDir
    Path root;
    private CgroupStats stats;

    @BeforeEach
    void proc() throws IOException {
        Path proc = Files.createDirectories(root.resolve("proc"));
        Files.writeString(proc.resolve("stat"), """
                cpu  100 5 50 1000 10 0 5 0 0 0
                cpu0 50 2 25 500 5 0 3 0 0 0
                cpu1 50 3 25 500 5 0 2 0 0 0
                intr 12345
                """);
        Files.writeString(proc.resolve("meminfo"), "MemTotal:        4000000 kB\nMemFree:         1000 kB\n");
        stats = new CgroupStats(proc.resolve("stat"), proc.resolve("meminfo"));
    }

    private static void files(Path dir, Map<String, String> contents) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> file : contents.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue() + "\n");
        }
    }

    private ContainerCgroup version1(String memoryLimit) throws IOException {
        Path v1 = Files.createDirectories(root.resolve("v1"));
        for (String h : List.of("memory", "cpu,cpuacct", "pids", "blkio")) {
            files(v1.resolve(h), Map.of("cgroup.procs", "1"));
        }
        Files.createSymbolicLink(v1.resolve("cpu"), Path.of("cpu,cpuacct"));
        Files.createSymbolicLink(v1.resolve("cpuacct"), Path.of("cpu,cpuacct"));
        Path c = Path.of("tally", ID);
        files(v1.resolve("cpu").resolve(c), Map.of("cpuacct.usage", "3000000000", "cpuacct.usage_percpu", "2000000000 1000000000 ",
                "cpuacct.stat", "user 250\nsystem 40", "cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 5000"));
        files(v1.resolve("memory").resolve(c), Map.of("memory.usage_in_bytes", "4096000", "memory.max_usage_in_bytes", "8192000",
                "memory.failcnt", "3", "memory.limit_in_bytes", memoryLimit,
                "memory.stat", "cache 1000\nrss 2000\ntotal_inactive_file 500"));
        files(v1.resolve("pids").resolve(c), Map.of("pids.current", "3", "pids.max", "max"));
        files(v1.resolve("blkio").resolve(c), Map.of("blkio.throttle.io_service_bytes", "8:0 Read 4096\n8:0 Write 8192\nTotal 12288",
                "blkio.throttle.io_serviced", "8:0 Read 1\n8:0 Write 2\nTotal 3"));
        return new CgroupHierarchy(v1, CgroupHierarchy.Kind.HYBRID).container(ID);
    }

    private ContainerCgroup version2(Map<String, String> extra) throws IOException {
        Path v2 = Files.createDirectories(root.resolve("v2"));
        files(v2, Map.of("cgroup.procs", "1"));
        Map<String, String> contents = new java.util.HashMap<>(Map.of(
                "cpu.stat", "usage_usec 3000000\nuser_usec 2500000\nsystem_usec 400000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 5",
                "memory.current", "4096000", "memory.max", "67108864", "memory.stat", "anon 2000\nfile 1000\ninactive_file 500",
                "pids.current", "3", "pids.max", "40"));
        contents.putAll(extra);
        files(v2.resolve("tally").resolve(ID), contents);
        return new CgroupHierarchy(v2, CgroupHierarchy.Kind.UNIFIED).container(ID);
    }

    @Test
    void version1IsReadInDockersTerms() throws IOException {
        ResourceUsage u = stats.read(version1("67108864"));
        assertEquals(new ResourceUsage.Cpu(3_000_000_000L, 2_500_000_000L, 400_000_000L, List.of(2_000_000_000L, 1_000_000_000L),
                10, 2, 5000), u.cpu());
        assertEquals(1170L * 10_000_000L, u.systemCpuNanos(), "user through softirq of /proc/stat, in nanoseconds");
        assertEquals(2, u.onlineCpus());
        assertEquals(4096000, u.memory().usage());
        assertEquals(8192000, u.memory().maxUsage());
        assertEquals(3, u.memory().failcnt());
        assertEquals(64L << 20, u.memory().limit());
        assertEquals(Map.of("cache", 1000L, "rss", 2000L, "total_inactive_file", 500L), u.memory().stats());
        assertEquals(List.of(new ResourceUsage.BlockIo(8, 0, "Read", 4096), new ResourceUsage.BlockIo(8, 0, "Write", 8192)),
                u.ioServiceBytes(), "the Total line is left out");
        assertEquals(List.of(new ResourceUsage.BlockIo(8, 0, "Read", 1), new ResourceUsage.BlockIo(8, 0, "Write", 2)),
                u.ioServiced());
        assertEquals(3, u.pids());
        assertEquals(0, u.pidsLimit(), "pids.max max is no limit");
    }

    @Test
    void anUnlimitedMemoryIsTheHostsMemory() throws IOException {
        assertEquals(4_000_000L * 1024, stats.read(version1("9223372036854771712")).memory().limit());
        assertEquals(4_000_000L * 1024, stats.read(version2(Map.of("memory.max", "max"))).memory().limit());
    }

    @Test
    void version2IsReadInDockersTerms() throws IOException {
        ResourceUsage u = stats.read(version2(Map.of("io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0")));
        assertEquals(new ResourceUsage.Cpu(3_000_000_000L, 2_500_000_000L, 400_000_000L, List.of(), 10, 2, 5000), u.cpu());
        assertEquals(4096000, u.memory().usage());
        assertEquals(0, u.memory().maxUsage(), "dockerd reports none on v2");
        assertEquals(64L << 20, u.memory().limit());
        assertEquals(500L, u.memory().stats().get("inactive_file"));
        assertEquals(List.of(new ResourceUsage.BlockIo(8, 0, "read", 4096), new ResourceUsage.BlockIo(8, 0, "write", 8192)),
                u.ioServiceBytes());
        assertEquals(List.of(), u.ioServiced());
        assertEquals(40, u.pidsLimit());
    }

    @Test
    void aV2CgroupWithoutTheIoControllerHasNoBlockIo() throws IOException {
        assertEquals(List.of(), stats.read(version2(Map.of())).ioServiceBytes());
    }

    @Test
    void aCgroupThatIsGoneIsNoSuchFile() throws IOException {
        Files.createDirectories(root.resolve("v2"));
        assertThrows(NoSuchFileException.class,
                () -> stats.read(new CgroupHierarchy(root.resolve("v2"), CgroupHierarchy.Kind.UNIFIED).container(ID)));
    }
}
