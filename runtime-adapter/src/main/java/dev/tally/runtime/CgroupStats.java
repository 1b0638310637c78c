package dev.tally.runtime;

import dev.tally.domain.container.ResourceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's cgroup read into Docker's stats, as dockerd (through containerd's cgroups package)
 * reads it: on v1 {@code cpuacct.*}, {@code cpu.stat}, {@code memory.*}, {@code blkio.throttle.*},
 * {@code pids.*}; on v2 {@code cpu.stat}, {@code memory.*}, {@code io.stat}, {@code pids.*}. The host's
 * CPU time and online CPUs come from {@code /proc/stat}, read right after, and a memory limit that is
 * none is the host's memory ({@code /proc/meminfo}), as dockerd reports it.
 */
final class CgroupStats {

    /** USER_HZ: the unit of {@code cpuacct.stat} and {@code /proc/stat}, 100 on every Linux ABI tally runs on. */
    private static final long TICK_NANOS = 10_000_000L;

    private final Path procStat;
    private final Path procMeminfo;

    CgroupStats(Path procStat, Path procMeminfo) {
        this.procStat = procStat;
        this.procMeminfo = procMeminfo;
    }

    static CgroupStats host() {
        return new CgroupStats(Path.of("/proc/stat"), Path.of("/proc/meminfo"));
    }

    /** One sample; NoSuchFileException when the cgroup is gone (the container ended meanwhile). */
    ResourceUsage read(ContainerCgroup cgroup) throws IOException {
        boolean v2 = cgroup.hierarchy().kind() == CgroupHierarchy.Kind.UNIFIED;
        Instant read = Instant.now();
        ResourceUsage.Cpu cpu = v2 ? cpuV2(cgroup) : cpuV1(cgroup);
        ResourceUsage.Memory memory = v2 ? memoryV2(cgroup) : memoryV1(cgroup);
        List<ResourceUsage.BlockIo> bytes = new ArrayList<>();
        List<ResourceUsage.BlockIo> serviced = new ArrayList<>();
        if (v2) {
            ioV2(cgroup, bytes);
        } else {
            Path blkio = cgroup.directory("blkio");
            blkioV1(firstOf(blkio, "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes"), bytes);
            blkioV1(firstOf(blkio, "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced"), serviced);
        }
        Path pids = cgroup.directory("pids");
        long pidsNow = number(pids.resolve("pids.current"));
        String max = Files.readString(pids.resolve("pids.max")).strip();
        long pidsLimit = max.equals("max") ? 0 : parse(pids.resolve("pids.max"), max);
        long[] system = systemCpu();
        return new ResourceUsage(read, cpu, system[0], (int) system[1], memory, bytes, serviced, pidsNow, pidsLimit);
    }

    private static ResourceUsage.Cpu cpuV1(ContainerCgroup cgroup) throws IOException {
        Path acct = cgroup.directory("cpuacct");
        long total = number(acct.resolve("cpuacct.usage"));
        List<Long> perCpu = new ArrayList<>();
        for (String n : Files.readString(acct.resolve("cpuacct.usage_percpu")).strip().split("\\s+")) {
            if (!n.isEmpty()) {
                perCpu.add(parse(acct.resolve("cpuacct.usage_percpu"), n));
            }
        }
        Map<String, Long> ticks = keyed(acct.resolve("cpuacct.stat"));
        Map<String, Long> stat = keyed(cgroup.directory("cpu").resolve("cpu.stat"));
        return new ResourceUsage.Cpu(total, ticks.getOrDefault("user", 0L) * TICK_NANOS,
                ticks.getOrDefault("system", 0L) * TICK_NANOS, perCpu, stat.getOrDefault("nr_periods", 0L),
                stat.getOrDefault("nr_throttled", 0L), stat.getOrDefault("throttled_time", 0L));
    }

    private static ResourceUsage.Cpu cpuV2(ContainerCgroup cgroup) throws IOException {
        Map<String, Long> stat = keyed(cgroup.directory("cpu").resolve("cpu.stat"));
        return new ResourceUsage.Cpu(stat.getOrDefault("usage_usec", 0L) * 1000, stat.getOrDefault("user_usec", 0L) * 1000,
                stat.getOrDefault("system_usec", 0L) * 1000, List.of(), stat.getOrDefault("nr_periods", 0L),
                stat.getOrDefault("nr_throttled", 0L), stat.getOrDefault("throttled_usec", 0L) * 1000);
    }

    private ResourceUsage.Memory memoryV1(ContainerCgroup cgroup) throws IOException {
        Path dir = cgroup.directory("memory");
        long limit = number(dir.resolve("memory.limit_in_bytes"));
        return new ResourceUsage.Memory(number(dir.resolve("memory.usage_in_bytes")),
                number(dir.resolve("memory.max_usage_in_bytes")), number(dir.resolve("memory.failcnt")),
                Math.min(limit, hostMemory()), keyed(dir.resolve("memory.stat")));
    }

    private ResourceUsage.Memory memoryV2(ContainerCgroup cgroup) throws IOException {
        Path dir = cgroup.directory("memory");
        String max = Files.readString(dir.resolve("memory.max")).strip();
        long limit = max.equals("max") ? Long.MAX_VALUE : parse(dir.resolve("memory.max"), max);
        return new ResourceUsage.Memory(number(dir.resolve("memory.current")), 0, 0, Math.min(limit, hostMemory()),
                keyed(dir.resolve("memory.stat")));
    }

    /** v1: "8:0 Read 4096" lines; the closing "Total N" (no device) is left out, as dockerd leaves it. */
    private static void blkioV1(Path file, List<ResourceUsage.BlockIo> into) throws IOException {
        if (file == null) {
            return;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.strip().split("\\s+");
            String[] device = f[0].split(":");
            if (f.length == 3 && device.length == 2) {
                into.add(new ResourceUsage.BlockIo(parse(file, device[0]), parse(file, device[1]), f[1], parse(file, f[2])));
            }
        }
    }

    /** v2: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 …" lines, as dockerd gives them: bytes read and written only. */
    private static void ioV2(ContainerCgroup cgroup, List<ResourceUsage.BlockIo> bytes) throws IOException {
        Path file = cgroup.directory("io").resolve("io.stat");
        if (!Files.exists(file)) {
            return; // the io controller is not enabled for the container's cgroup
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.strip().split("\\s+");
            String[] device = f[0].split(":");
            if (device.length != 2) {
                continue;
            }
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 1; i < f.length; i++) {
                String[] kv = f[i].split("=", 2);
                if (kv.length == 2) {
                    values.put(kv[0], parse(file, kv[1]));
                }
            }
            long major = parse(file, device[0]);
            long minor = parse(file, device[1]);
            bytes.add(new ResourceUsage.BlockIo(major, minor, "read", values.getOrDefault("rbytes", 0L)));
            bytes.add(new ResourceUsage.BlockIo(major, minor, "write", values.getOrDefault("wbytes", 0L)));
        }
    }

    /** The host's CPU time in nanoseconds (user through softirq of the "cpu" line, as dockerd sums it) and its online CPUs. */
    long[] systemCpu() throws IOException {
        long ticks = -1;
        long cpus = 0;
        for (String line : Files.readAllLines(procStat)) {
            String[] f = line.strip().split("\\s+");
            if (f[0].equals("cpu")) {
                if (f.length < 8) {
                    throw new IOException(procStat + ": the cpu line has " + (f.length - 1) + " fields, not 7 or more");
                }
                ticks = 0;
                for (int i = 1; i < 8; i++) {
                    ticks += parse(procStat, f[i]);
                }
            } else if (f[0].startsWith("cpu")) {
                cpus++;
            }
        }
        if (ticks < 0) {
            throw new IOException(procStat + " has no cpu line");
        }
        return new long[] {ticks * TICK_NANOS, cpus};
    }

    private long hostMemory() throws IOException {
        for (String line : Files.readAllLines(procMeminfo)) {
            String[] f = line.strip().split("\\s+");
            if (f[0].equals("MemTotal:") && f.length >= 2) {
                return parse(procMeminfo, f[1]) * 1024;
            }
        }
        throw new IOException(procMeminfo + " has no MemTotal");
    }

    private static Path firstOf(Path dir, String... names) {
        for (String n : names) {
            if (Files.exists(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        return null;
    }

    /** "key value" lines, in the file's order. */
    static Map<String, Long> keyed(Path file) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2) {
                m.put(f[0], parse(file, f[1]));
            }
        }
        return m;
    }

    private static long number(Path file) throws IOException {
        return parse(file, Files.readString(file).strip());
    }

    private static long parse(Path file, String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds " + text + ", not a number", e);
        }
    }

    /** Whether the failure says the cgroup is gone. */
    static boolean gone(IOException e) {
        return e instanceof NoSuchFileException;
    }
}
