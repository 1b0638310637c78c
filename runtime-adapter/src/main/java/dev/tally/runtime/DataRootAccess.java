package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Who may reach what under the data root. Like dockerd's {@code /var/lib/docker}: host users reach
 * nothing, because image layers hold set-uid-root files and containers' configs hold secrets. The
 * root itself and {@code containers/} are traversable only (0711, list nothing), so that a remapped
 * container's root, an unprivileged host id, can walk to its own bundle; every other top directory
 * is root's alone (0700); each bundle is 0700 root, or 0710 root with the group of the container's
 * remapped root, which only that container, and its owner entering their own subordinate range,
 * hold. That range then reaches its own bundle and nothing else: its rootfs shows the image's files
 * with owners shifted into the range, so no root-owned file. Image layers are reached only through
 * the overlay mount, which the kernel does as its mounter (root); volumes and other bind sources
 * are opened by runc on the host side, as root.
 */
final class DataRootAccess {

    /** Top directories that only root uses. */
    private static final List<String> CLOSED = List.of("events", "blobs", "images", "layers", "remap", "exits",
            "tmp", "volumes", "leftovers");

    private DataRootAccess() {
    }

    /**
     * Makes the data root's top directories and gives them, and every bundle already there, the
     * modes above: a data root of an older tallyd is tightened at start. Idempotent.
     */
    static void close(Path dataRoot) {
        try {
            Files.createDirectories(dataRoot);
            mode(dataRoot, 0711);
            for (String name : CLOSED) {
                mode(Files.createDirectories(dataRoot.resolve(name)), 0700);
            }
            Path containers = Files.createDirectories(dataRoot.resolve("containers"));
            mode(containers, 0711);
            // whatever else lies at the top (the engine's id, a file or directory of an older or newer
            // tallyd) is root's alone: a host user could guess its name
            closeOthers(dataRoot, p -> p.equals(containers));
            closeOthers(containers, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
            try (Stream<Path> bundles = Files.list(containers)) {
                for (Path dir : bundles.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Path remap = dir.resolve("remap");
                    bundle(dir, Files.exists(remap) ? IdRemap.fromLine(Files.readString(remap)) : null);
                }
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "close the data root " + dataRoot + " to host users: "
                    + e.getMessage(), e);
        }
    }

    /** Takes group's and others' bits from every entry of {@code dir} but those {@code kept} (links are left: a link's mode is not used). */
    private static void closeOthers(Path dir, java.util.function.Predicate<Path> kept) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(kept.negate()).filter(p -> !Files.isSymbolicLink(p)).toList()) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                if ((mode & 077) != 0) {
                    mode(p, mode & ~077);
                }
            }
        }
    }

    /** A container's bundle: root's alone (no remap), or searchable by the remapped root's group only. */
    static void bundle(Path dir, IdRemap remap) {
        try {
            Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:gid", remap == null ? 0 : remap.hostRootGid(), LinkOption.NOFOLLOW_LINKS);
            mode(dir, remap == null ? 0700 : 0710);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "close bundle " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void mode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }
}
