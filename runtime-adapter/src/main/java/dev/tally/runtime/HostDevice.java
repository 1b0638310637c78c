package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A host device node made available in a container: the node itself (type, numbers, mode, owner
 * as on the host) and the device cgroup rule that lets the container use it.
 */
record HostDevice(String path, char type, long major, long minor, int mode, int uid, int gid, String access) {

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /** Directories under /dev that hold no device a container should get as a node of its own. */
    private static final List<String> NOT_DEVICES = List.of("pts", "shm", "fd", "mqueue", "console");

    /**
     * From {@code --device}: {@code host[:container][:perms]}, perms of r, w, m. INVALID, naming the
     * option, when the form is wrong or the host path is not a device node.
     */
    static HostDevice parse(String option) {
        String[] f = option.split(":");
        String onHost = f[0];
        String inside = onHost;
        String access = "rwm";
        if (f.length == 2) {
            if (isAccess(f[1])) {
                access = f[1];
            } else {
                inside = f[1];
            }
        } else if (f.length == 3) {
            inside = f[1];
            access = f[2];
        } else if (f.length > 3) {
            throw DomainException.invalid("invalid device specification: " + option);
        }
        if (!isAccess(access)) {
            throw DomainException.invalid("invalid device mode: " + access + " (in " + option + ")");
        }
        if (!onHost.startsWith("/") || !inside.startsWith("/") || inside.equals("/")) {
            throw DomainException.invalid("invalid device specification: " + option + ": paths must be absolute");
        }
        return stat(Path.of(onHost), Path.of(inside).normalize().toString(), access, option);
    }

    /** Every device node under /dev, as a privileged container gets them. */
    static List<HostDevice> allOnHost() {
        List<HostDevice> found = new ArrayList<>();
        Path dev = Path.of("/dev");
        try (Stream<Path> walk = Files.walk(dev)) {
            walk.filter(p -> !p.equals(dev) && !NOT_DEVICES.contains(dev.relativize(p).getName(0).toString()))
                    .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p))
                    .forEach(p -> {
                        try {
                            found.add(stat(p, p.toString(), "rwm", p.toString()));
                        } catch (DomainException notADevice) {
                            // sockets and fifos under /dev are no business of the container's
                        }
                    });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list host devices under /dev: " + e.getMessage(), e);
        }
        return found;
    }

    private static HostDevice stat(Path onHost, String inside, String access, String option) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(onHost, "unix:mode,rdev,uid,gid");
        } catch (IOException e) {
            throw DomainException.invalid("error gathering device information while adding custom device \""
                    + onHost + "\": no such file or directory");
        }
        int mode = (Integer) a.get("mode");
        char type = switch (mode & S_IFMT) {
            case S_IFCHR -> 'c';
            case S_IFBLK -> 'b';
            default -> throw DomainException.invalid("error gathering device information while adding custom device \""
                    + onHost + "\": not a device node (in " + option + ")");
        };
        long rdev = (Long) a.get("rdev");
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return new HostDevice(inside, type, major, minor, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), access);
    }

    private static boolean isAccess(String s) {
        return !s.isEmpty() && s.length() <= 3 && s.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')
                && s.chars().distinct().count() == s.length();
    }

    /** The node for {@code linux.devices}. */
    Map<String, Object> node() {
        return Map.of("path", path, "type", String.valueOf(type), "major", major, "minor", minor,
                "fileMode", mode, "uid", uid, "gid", gid);
    }

    /** The allow rule for {@code linux.resources.devices}. */
    Map<String, Object> rule() {
        return Map.of("allow", true, "type", String.valueOf(type), "major", major, "minor", minor, "access", access);
    }
}
