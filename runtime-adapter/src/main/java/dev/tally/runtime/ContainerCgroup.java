package dev.tally.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One container's cgroup, read in the files of its hierarchy: on v1 a directory per controller
 * ({@code ROOT/memory/PATH/memory.limit_in_bytes}), on v2 one directory ({@code ROOT/PATH/memory.max}).
 * Limits are returned in the spec's terms whatever the version (bytes, a quota per period, the
 * memory-and-swap total), empty when unlimited. Readers throw IOException naming the file when it
 * cannot be read (the container has no cgroup, or the controller is not there).
 */
public final class ContainerCgroup {

    /** Above this, a v1 byte limit is the kernel's "unlimited" (LONG_MAX rounded down to a page). */
    private static final long V1_UNLIMITED = 1L << 62;

    private final CgroupHierarchy hierarchy;
    private final String relative;

    ContainerCgroup(CgroupHierarchy hierarchy, String relative) {
        this.hierarchy = hierarchy;
        this.relative = relative;
    }

    /** The hierarchy it lies in. */
    CgroupHierarchy hierarchy() {
        return hierarchy;
    }

    private boolean unified() {
        return hierarchy.kind() == CgroupHierarchy.Kind.UNIFIED;
    }

    /** Where {@code controller}'s files of this cgroup are: its own hierarchy on v1, the one on v2. */
    public Path directory(String controller) {
        return unified() ? hierarchy.root().resolve(relative) : hierarchy.root().resolve(controller).resolve(relative);
    }

    /**
     * The directories this cgroup has now: its one directory (v2), or its directory in each mounted
     * hierarchy (v1, the hybrid's unified one and named ones included), each once (co-mounted
     * controllers such as cpu,cpuacct are one). Empty once the cgroup is gone.
     */
    public List<Path> directories() {
        Path root = hierarchy.root();
        Set<Path> found = new LinkedHashSet<>();
        if (unified()) {
            if (Files.isDirectory(root.resolve(relative))) {
                found.add(root.resolve(relative));
            }
            return new ArrayList<>(found);
        }
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(root)) {
            for (Path mounted : hierarchies) {
                Path dir = mounted.resolve(relative);
                if (Files.isDirectory(dir) && Files.exists(mounted.resolve("cgroup.procs"))) {
                    found.add(realPath(dir));
                }
            }
        } catch (IOException e) {
            return new ArrayList<>(found);
        }
        return new ArrayList<>(found);
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir;
        }
    }

    /** The memory limit in bytes ({@code memory.limit_in_bytes}, v2 {@code memory.max}). */
    public OptionalLong memoryLimit() throws IOException {
        return unified() ? v2Number("memory", "memory.max") : v1Bytes("memory", "memory.limit_in_bytes");
    }

    /**
     * The limit of memory and swap together, the spec's {@code memory.swap} ({@code --memory-swap}):
     * v1 {@code memory.memsw.limit_in_bytes}; v2 keeps the swap alone, {@code memory.swap.max}, which
     * runc sets to the spec's total less the memory limit, so the two are added back.
     */
    public OptionalLong memoryAndSwapLimit() throws IOException {
        if (!unified()) {
            return v1Bytes("memory", "memory.memsw.limit_in_bytes");
        }
        OptionalLong swap = v2Number("memory", "memory.swap.max");
        OptionalLong memory = memoryLimit();
        return swap.isPresent() && memory.isPresent() ? OptionalLong.of(swap.getAsLong() + memory.getAsLong())
                : OptionalLong.empty();
    }

    /** The most processes and threads ({@code pids.max}, the same file on both). */
    public OptionalLong pidsLimit() throws IOException {
        return v2Number("pids", "pids.max");
    }

    /** CPU time allowed per period, in microseconds. */
    public record CpuQuota(long quotaMicros, long periodMicros) {
    }

    /** v1 {@code cpu.cfs_quota_us} (-1: none) and {@code cpu.cfs_period_us}; v2 {@code cpu.max} ("max 100000": none). */
    public Optional<CpuQuota> cpuQuota() throws IOException {
        if (unified()) {
            String[] max = read("cpu", "cpu.max").split("\\s+");
            if (max.length != 2) {
                throw new IOException(directory("cpu").resolve("cpu.max") + " is not QUOTA PERIOD: " + String.join(" ", max));
            }
            return max[0].equals("max") ? Optional.empty()
                    : Optional.of(new CpuQuota(parse("cpu.max", max[0]), parse("cpu.max", max[1])));
        }
        long quota = number("cpu", "cpu.cfs_quota_us");
        return quota < 0 ? Optional.empty() : Optional.of(new CpuQuota(quota, number("cpu", "cpu.cfs_period_us")));
    }

    /**
     * The relative CPU weight in the hierarchy's own unit: v1 {@code cpu.shares}, v2 {@code cpu.weight}
     * ({@link CgroupHierarchy#cpuWeightOf} says what a spec's shares become).
     */
    public long cpuWeight() throws IOException {
        return number("cpu", unified() ? "cpu.weight" : "cpu.shares");
    }

    /**
     * The CPUs set for the container, in the kernel's list form ("0-1", "0,2"): {@code cpuset.cpus} on
     * both (on v2 it is empty unless set: the parent's then apply).
     */
    public String cpusetCpus() throws IOException {
        return read("cpuset", "cpuset.cpus");
    }

    /** The memory nodes set for the container, {@code cpuset.mems}, as {@link #cpusetCpus}. */
    public String cpusetMems() throws IOException {
        return read("cpuset", "cpuset.mems");
    }

    /**
     * What the container uses now.
     *
     * @param memoryBytes     memory charged now (v1 {@code memory.usage_in_bytes}, v2 {@code memory.current})
     * @param memoryPeakBytes the most ever charged (v1 {@code memory.max_usage_in_bytes}, v2 {@code memory.peak}:
     *                        empty on kernels before 5.19, which lack it)
     * @param pids            processes and threads now ({@code pids.current})
     * @param cpuNanos        CPU time used, all CPUs together (v1 {@code cpuacct.usage}, v2 {@code cpu.stat}'s
     *                        {@code usage_usec})
     */
    public record Usage(long memoryBytes, OptionalLong memoryPeakBytes, long pids, long cpuNanos) {
    }

    public Usage usage() throws IOException {
        long pids = number("pids", "pids.current");
        if (!unified()) {
            return new Usage(number("memory", "memory.usage_in_bytes"),
                    OptionalLong.of(number("memory", "memory.max_usage_in_bytes")), pids, number("cpuacct", "cpuacct.usage"));
        }
        OptionalLong peak;
        try {
            peak = OptionalLong.of(number("memory", "memory.peak"));
        } catch (NoSuchFileException e) {
            peak = OptionalLong.empty();
        }
        return new Usage(number("memory", "memory.current"), peak, pids, cpuStatMicros("usage_usec") * 1000);
    }

    private long cpuStatMicros(String key) throws IOException {
        for (String line : read("cpu", "cpu.stat").split("\n")) {
            String[] pair = line.strip().split("\\s+");
            if (pair.length == 2 && pair[0].equals(key)) {
                return parse("cpu.stat", pair[1]);
            }
        }
        throw new IOException(directory("cpu").resolve("cpu.stat") + " has no " + key);
    }

    private String read(String controller, String file) throws IOException {
        Path path = directory(controller).resolve(file);
        String text = Files.readString(path).strip();
        if (text.isEmpty() && !file.startsWith("cpuset")) {
            throw new IOException(path + " is empty");
        }
        return text;
    }

    private long number(String controller, String file) throws IOException {
        return parse(file, read(controller, file));
    }

    private static long parse(String file, String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds " + text + ", not a number", e);
        }
    }

    private OptionalLong v2Number(String controller, String file) throws IOException {
        String text = read(controller, file);
        return text.equals("max") ? OptionalLong.empty() : OptionalLong.of(parse(file, text));
    }

    private OptionalLong v1Bytes(String controller, String file) throws IOException {
        long bytes = number(controller, file);
        return bytes >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(bytes);
    }

    @Override
    public String toString() {
        return "cgroup /" + relative + " (" + hierarchy + ")";
    }
}
