package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container's limits and usage are read from the files of its hierarchy, in fake {@code /sys/fs/cgroup}
 * trees laid out as Debian's v1 (hybrid: cpu and cpuacct co-mounted, an empty cgroup2 at unified) and v2
 * mount them. Each tree holds only its own version's files, so a read of the other's fails.
 */
class ContainerCgroupTest {

    private static final String ID = "c0ffee";

    @TempDir
    Path root;

    private void files(Path dir, Map<String, String> contents) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> file : contents.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue() + "\n");
        }
    }

    /** Debian's hybrid tree: one hierarchy per controller, cpu and cpuacct one under two names, and unified. */
    private ContainerCgroup hybrid(Map<String, String> memory, Map<String, String> cpu, Map<String, String> pids)
            throws IOException {
        Files.createDirectories(root.resolve("cpu,cpuacct"));
        Files.createSymbolicLink(root.resolve("cpu"), Path.of("cpu,cpuacct"));
        Files.createSymbolicLink(root.resolve("cpuacct"), Path.of("cpu,cpuacct"));
        for (String hierarchy : List.of("memory", "cpu,cpuacct", "pids", "cpuset", "systemd", "unified")) {
            files(root.resolve(hierarchy), Map.of("cgroup.procs", "1"));
            files(root.resolve(hierarchy).resolve("tally").resolve(ID), Map.of("cgroup.procs", ""));
        }
        files(root.resolve("memory/tally").resolve(ID), memory);
        files(root.resolve("cpu/tally").resolve(ID), cpu);
        files(root.resolve("pids/tally").resolve(ID), pids);
        files(root.resolve("cpuset/tally").resolve(ID), Map.of("cpuset.cpus", "0-1", "cpuset.mems", "0"));
        return new CgroupHierarchy(root, CgroupHierarchy.Kind.HYBRID).container(ID);
    }

    private ContainerCgroup unified(Map<String, String> contents) throws IOException {
        files(root, Map.of("cgroup.procs", "1", "cgroup.controllers", "cpuset cpu io memory pids"));
        files(root.resolve("tally").resolve(ID), contents);
        return new CgroupHierarchy(root, CgroupHierarchy.Kind.UNIFIED).container(ID);
    }

    @Test
    void version1LimitsAreReadFromEachControllersHierarchy() throws IOException {
        ContainerCgroup cgroup = hybrid(
                Map.of("memory.limit_in_bytes", "67108864", "memory.memsw.limit_in_bytes", "134217728"),
                Map.of("cpu.cfs_quota_us", "50000", "cpu.cfs_period_us", "100000", "cpu.shares", "512"),
                Map.of("pids.max", "50"));
        assertEquals(OptionalLong.of(64L << 20), cgroup.memoryLimit());
        assertEquals(OptionalLong.of(128L << 20), cgroup.memoryAndSwapLimit());
        assertEquals(Optional.of(new ContainerCgroup.CpuQuota(50_000, 100_000)), cgroup.cpuQuota());
        assertEquals(512, cgroup.cpuWeight());
        assertEquals(OptionalLong.of(50), cgroup.pidsLimit());
        assertEquals("0-1", cgroup.cpusetCpus());
        assertEquals("0", cgroup.cpusetMems());
    }

    @Test
    void version1sUnlimitedValuesAreNoLimit() throws IOException {
        ContainerCgroup cgroup = hybrid(Map.of("memory.limit_in_bytes", "9223372036854771712"),
                Map.of("cpu.cfs_quota_us", "-1", "cpu.cfs_period_us", "100000"), Map.of("pids.max", "max"));
        assertEquals(OptionalLong.empty(), cgroup.memoryLimit());
        assertEquals(Optional.empty(), cgroup.cpuQuota());
        assertEquals(OptionalLong.empty(), cgroup.pidsLimit());
    }

    @Test
    void version1UsageComesFromMemoryPidsAndCpuacct() throws IOException {
        ContainerCgroup cgroup = hybrid(Map.of("memory.usage_in_bytes", "4096", "memory.max_usage_in_bytes", "8192"),
                Map.of("cpuacct.usage", "123456789"), Map.of("pids.current", "3"));
        assertEquals(new ContainerCgroup.Usage(4096, OptionalLong.of(8192), 3, 123_456_789), cgroup.usage());
    }

    @Test
    void version1sFilesAreNotLookedForInTheUnifiedHierarchy() throws IOException {
        ContainerCgroup cgroup = hybrid(Map.of(), Map.of(), Map.of());
        files(root.resolve("unified/tally").resolve(ID), Map.of("memory.max", "1048576", "pids.max", "9"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, cgroup::memoryLimit);
        assertEquals(root.resolve("memory/tally").resolve(ID).resolve("memory.limit_in_bytes").toString(),
                missing.getMessage());
        assertThrows(NoSuchFileException.class, cgroup::pidsLimit);
    }

    @Test
    void version1DirectoriesAreOnePerHierarchyWithCoMountedControllersOnce() throws IOException {
        ContainerCgroup cgroup = hybrid(Map.of(), Map.of(), Map.of());
        Files.createDirectories(root.resolve("not-a-hierarchy/tally").resolve(ID));
        List<Path> dirs = cgroup.directories();
        assertEquals(6, dirs.size(), dirs.toString());
        for (String hierarchy : List.of("memory", "cpu,cpuacct", "pids", "cpuset", "systemd", "unified")) {
            assertTrue(dirs.contains(root.resolve(hierarchy).resolve("tally").resolve(ID).toRealPath()), hierarchy);
        }
    }

    @Test
    void version2LimitsAreReadFromTheOneDirectoryInTheSpecsTerms() throws IOException {
        ContainerCgroup cgroup = unified(Map.of("memory.max", "67108864", "memory.swap.max", "67108864",
                "cpu.max", "50000 100000", "cpu.weight", "39", "pids.max", "50", "cpuset.cpus", "1",
                "cpuset.mems", ""));
        assertEquals(OptionalLong.of(64L << 20), cgroup.memoryLimit());
        assertEquals(OptionalLong.of(128L << 20), cgroup.memoryAndSwapLimit(), "memory.swap.max holds the swap alone");
        assertEquals(Optional.of(new ContainerCgroup.CpuQuota(50_000, 100_000)), cgroup.cpuQuota());
        assertEquals(39, cgroup.cpuWeight());
        assertEquals(OptionalLong.of(50), cgroup.pidsLimit());
        assertEquals("1", cgroup.cpusetCpus());
        assertEquals("", cgroup.cpusetMems(), "not set: the parent's apply");
    }

    @Test
    void version2sMaxIsNoLimit() throws IOException {
        ContainerCgroup cgroup = unified(Map.of("memory.max", "max", "memory.swap.max", "max", "cpu.max", "max 100000",
                "pids.max", "max"));
        assertEquals(OptionalLong.empty(), cgroup.memoryLimit());
        assertEquals(OptionalLong.empty(), cgroup.memoryAndSwapLimit());
        assertEquals(Optional.empty(), cgroup.cpuQuota());
        assertEquals(OptionalLong.empty(), cgroup.pidsLimit());
    }

    @Test
    void version2UsageComesFromMemoryCurrentPeakPidsAndCpuStat() throws IOException {
        ContainerCgroup cgroup = unified(Map.of("memory.current", "4096", "memory.peak", "8192", "pids.current", "3",
                "cpu.stat", "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456"));
        assertEquals(new ContainerCgroup.Usage(4096, OptionalLong.of(8192), 3, 123_456_000), cgroup.usage());
    }

    @Test
    void version2WithoutMemoryPeakBefore519HasNoPeak() throws IOException {
        ContainerCgroup cgroup = unified(Map.of("memory.current", "4096", "pids.current", "1",
                "cpu.stat", "usage_usec 7"));
        assertEquals(OptionalLong.empty(), cgroup.usage().memoryPeakBytes());
    }

    @Test
    void version2sFilesAreNotLookedForInControllerDirectories() throws IOException {
        ContainerCgroup cgroup = unified(Map.of());
        files(root.resolve("memory/tally").resolve(ID), Map.of("memory.limit_in_bytes", "1048576"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, cgroup::memoryLimit);
        assertEquals(root.resolve("tally").resolve(ID).resolve("memory.max").toString(), missing.getMessage());
    }

    @Test
    void version2HasOneDirectoryWhichGoesWithTheCgroup() throws IOException {
        ContainerCgroup cgroup = unified(Map.of());
        assertEquals(List.of(root.resolve("tally").resolve(ID)), cgroup.directories());
        Files.delete(root.resolve("tally").resolve(ID));
        assertEquals(List.of(), cgroup.directories());
    }

    @Test
    void aFileThatIsNoNumberIsAnIOExceptionNamingIt() throws IOException {
        ContainerCgroup cgroup = unified(Map.of("pids.max", "lots", "cpu.max", "50000"));
        IOException e = assertThrows(IOException.class, cgroup::pidsLimit);
        assertTrue(e.getMessage().contains("pids.max"), e.getMessage());
        assertThrows(IOException.class, cgroup::cpuQuota);
    }
}
