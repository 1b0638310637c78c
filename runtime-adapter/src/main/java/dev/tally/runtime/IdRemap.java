package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a remapped container's ids live on the host: container uid {@code u} is host uid
 * {@code uidStart + u} for {@code u < size}, the same for gids. Read from the user's first range in
 * /etc/subuid and /etc/subgid (by name or by uid, as shadow's tools accept both).
 */
record IdRemap(long uidStart, long gidStart, long size) {

    /** As many ids as a container needs: the 16-bit range Docker and Podman give one too. */
    static final long MAX_SIZE = 65536;

    /** The container's root as the host sees it. */
    int hostRootUid() {
        return Math.toIntExact(uidStart);
    }

    int hostRootGid() {
        return Math.toIntExact(gidStart);
    }

    static IdRemap forUser(String user, Path etc) {
        String uid = uidOf(user, etc.resolve("passwd"));
        long[] uids = firstRange(user, uid, etc.resolve("subuid"));
        long[] gids = firstRange(user, uid, etc.resolve("subgid"));
        if (uids == null) {
            throw DomainException.invalid("no subordinate ids for user " + user + " in " + etc.resolve("subuid"));
        }
        if (gids == null) {
            throw DomainException.invalid("no subordinate ids for user " + user + " in " + etc.resolve("subgid"));
        }
        return new IdRemap(uids[0], gids[0], Math.min(MAX_SIZE, Math.min(uids[1], gids[1])));
    }

    /** The line's form, for the file the runtime keeps beside the bundle. */
    String asLine() {
        return uidStart + " " + gidStart + " " + size;
    }

    static IdRemap fromLine(String line) {
        String[] f = line.strip().split(" ");
        return new IdRemap(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }

    private static String uidOf(String user, Path passwd) {
        for (String line : lines(passwd)) {
            String[] f = line.split(":");
            if (f.length > 2 && f[0].equals(user)) {
                return f[2];
            }
        }
        return null;
    }

    /** {@code start, count} of the first range for the name or uid; null when there is none. */
    private static long[] firstRange(String user, String uid, Path file) {
        for (String line : lines(file)) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || !(f[0].equals(user) || f[0].equals(uid))) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                // a range that would map onto host root, or wrap past 32 bits, is no range at all
                if (start > 0 && count > 0 && start + Math.min(count, MAX_SIZE) <= 0xFFFFFFFFL) {
                    return new long[] {start, count};
                }
            } catch (NumberFormatException e) {
                // a malformed line is skipped, as newuidmap skips it
            }
        }
        return null;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read " + file + ": " + e.getMessage(), e);
        }
    }
}
