package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The cgroup hierarchy of the host, found as runc finds it: the file system type of the cgroup root
 * itself ({@code /sys/fs/cgroup}). cgroup2 there is the unified hierarchy (v2: Debian 12, Ubuntu
 * 22.04+, Fedora); anything else (a tmpfs of v1 hierarchies) is v1, hybrid when a cgroup2 is also
 * mounted at {@code unified} (it holds no controllers: limits are v1's). runc is driven with its
 * default cgroupfs driver (tally never passes {@code --systemd-cgroup}), so a container's
 * {@code cgroupsPath} is a path below the root of each hierarchy, not a systemd slice.
 */
public final class CgroupHierarchy {

    /** How the host mounts its cgroups. */
    public enum Kind {
        /** cgroup v1 only: one hierarchy per controller (or a few sharing one) under a tmpfs. */
        LEGACY,
        /** cgroup v1 for every controller, plus an empty cgroup2 at {@code unified}. */
        HYBRID,
        /** cgroup v2: one hierarchy, mounted at the root itself. */
        UNIFIED
    }

    /** The cgroup driver runc runs with, as {@code docker info} names it. */
    public static final String DRIVER = "cgroupfs";

    private static final Path HOST_ROOT = Path.of("/sys/fs/cgroup");
    private static volatile CgroupHierarchy host;

    private final Path root;
    private final Kind kind;

    CgroupHierarchy(Path root, Kind kind) {
        this.root = root;
        this.kind = kind;
    }

    /** This host's hierarchy at {@code /sys/fs/cgroup}, found once. FAILED when statfs fails but for ENOENT. */
    public static CgroupHierarchy host() {
        CgroupHierarchy found = host;
        if (found == null) {
            try {
                found = detect(HOST_ROOT, FileSystemTypes.STATFS);
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.FAILED,
                        "cannot tell the cgroup hierarchy at " + HOST_ROOT + ": " + e.getMessage(), e);
            }
            host = found;
        }
        return found;
    }

    /**
     * Finds the hierarchy mounted at {@code root}. A root that does not exist counts as v1, as runc
     * counts it; another failure of statfs is thrown.
     */
    static CgroupHierarchy detect(Path root, FileSystemTypes types) throws IOException {
        if (type(root, types) == FileSystemTypes.CGROUP2) {
            return new CgroupHierarchy(root, Kind.UNIFIED);
        }
        if (type(root.resolve("unified"), types) == FileSystemTypes.CGROUP2) {
            return new CgroupHierarchy(root, Kind.HYBRID);
        }
        return new CgroupHierarchy(root, Kind.LEGACY);
    }

    private static long type(Path path, FileSystemTypes types) throws IOException {
        try {
            return types.typeOf(path);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    public Kind kind() {
        return kind;
    }

    public Path root() {
        return root;
    }

    /** The cgroup version as {@code docker info} reports it: "2" for the unified hierarchy, else "1". */
    public String version() {
        return kind == Kind.UNIFIED ? "2" : "1";
    }

    /** The {@code cgroupsPath} of a container's spec: the same on both versions. */
    public static String containerPath(String id) {
        return "/tally/" + id;
    }

    /** The cgroup of container {@code id}. */
    public ContainerCgroup container(String id) {
        return at(containerPath(id));
    }

    /** The cgroup at {@code cgroupsPath} (absolute, as in a spec: below the root of each hierarchy). */
    public ContainerCgroup at(String cgroupsPath) {
        return new ContainerCgroup(this, cgroupsPath.replaceFirst("^/+", ""));
    }

    /**
     * Whether a container gets a cgroup namespace of its own unless asked otherwise: dockerd's default,
     * private on v2 and the host's on v1. On v2 without one, runc mounts the whole host hierarchy at
     * the container's {@code /sys/fs/cgroup} (read-only, but naming every other container's cgroup);
     * on v1 runc binds only the container's own cgroup directories there.
     */
    public boolean ownNamespaceByDefault() {
        return kind == Kind.UNIFIED;
    }

    /**
     * The shares of a spec ({@code --cpu-shares}) as this hierarchy holds them: {@code cpu.shares} on
     * v1; on v2, {@code cpu.weight} by the conversion of runc 1.1 (Debian 12's runc): 1 + (shares - 2)
     * * 9999 / 262142. Newer runc releases map shares to weights differently.
     */
    public long cpuWeightOf(long shares) {
        return kind == Kind.UNIFIED ? 1 + ((shares - 2) * 9999) / 262142 : shares;
    }

    @Override
    public String toString() {
        return "cgroup v" + version() + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ") at " + root;
    }
}
