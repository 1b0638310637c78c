package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Overlay mounts of container root filesystems, and the look-up of what is mounted where. */
final class Mounts {

    private Mounts() {
    }

    static void overlay(List<Path> lowerTopFirst, Path upper, Path work, Path target) {
        overlay(lowerTopFirst, upper, work, target, "");
    }

    /** With {@code options} (comma-separated overlay options) after the directories, if any. */
    static void overlay(List<Path> lowerTopFirst, Path upper, Path work, Path target, String options) {
        StringBuilder lower = new StringBuilder();
        for (Path p : lowerTopFirst) {
            lower.append(lower.length() == 0 ? "" : ":").append(p);
        }
        String data = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work
                + (options.isEmpty() ? "" : "," + options);
        try {
            Libc.mount("overlay", target.toString(), "overlay", 0, data);
        } catch (LastErrorException e) {
            throw new DomainException(DomainException.Kind.FAILED,
                    "mount overlay on " + target + ": " + Libc.errnoName(e.getErrorCode()));
        }
    }

    /** Unmounts every mount at or below {@code dir}, deepest first. Idempotent. */
    static void unmountAllBelow(Path dir) {
        List<String> targets = mountedBelow(dir);
        for (int i = targets.size() - 1; i >= 0; i--) {
            try {
                Libc.umount2(targets.get(i), Libc.MNT_DETACH);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 22 && e.getErrorCode() != 2) {
                    throw new DomainException(DomainException.Kind.FAILED,
                            "umount " + targets.get(i) + ": " + Libc.errnoName(e.getErrorCode()));
                }
            }
        }
    }

    /** Mount points at or below {@code dir}, in mount order, from /proc/self/mountinfo. */
    static List<String> mountedBelow(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                String point = unescape(f[4]);
                if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                    found.add(point);
                }
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read /proc/self/mountinfo: " + e.getMessage());
        }
        return found;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
