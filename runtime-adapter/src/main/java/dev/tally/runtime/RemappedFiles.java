package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files a remapped container touches, made usable by its root, which is an unprivileged host
 * uid: its bundle must be reachable, its overlay upper layer its own, its image layers owned by
 * its ids, and its fresh volumes writable.
 */
final class RemappedFiles {

    /** Overlay options that let a layer of ownership changes stand on the image without copying data. */
    static final String METACOPY = "metacopy=on,redirect_dir=on";

    private RemappedFiles() {
    }

    /**
     * runc mounts the root filesystem from inside the container's user namespace, as the mapped
     * root: every directory above the data root must be searchable by others (the data root's own
     * modes are {@link DataRootAccess}'s). One that is not is a host setting tally will not change,
     * and is named.
     */
    static void requireReachable(Path dataRoot) {
        Path root = dataRoot.toAbsolutePath().normalize();
        for (Path p = root.getParent(); p != null; p = p.getParent()) {
            int mode = mode(p);
            if ((mode & 01) == 0) {
                throw new DomainException(DomainException.Kind.FAILED, "a remapped container cannot reach its root"
                        + " filesystem: " + p + " is mode " + Integer.toOctalString(mode & 07777)
                        + "; its user namespace needs search (o+x) permission on every directory above " + root);
            }
        }
    }

    /** The container's own layer and overlay's work directory belong to its root. */
    static void ownUpper(Path upper, Path work, IdRemap remap) {
        chown(upper, remap.hostRootUid(), remap.hostRootGid());
        chown(work, remap.hostRootUid(), remap.hostRootGid());
    }

    /**
     * A named volume's data directory goes to the first remapped root that mounts it while it is
     * still fresh: owned by host root and empty, as tally made it. It is never chowned again and
     * never recursively, so files someone wrote keep their owner: a volume shared across ranges
     * shows the other range's files as nobody and stays writable only where its modes allow.
     */
    static void claimFreshVolume(Path data, IdRemap remap) {
        try (Stream<Path> entries = Files.list(data)) {
            Map<String, Object> a = Files.readAttributes(data, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
            if ((Integer) a.get("uid") == 0 && (Integer) a.get("gid") == 0 && entries.findAny().isEmpty()) {
                chown(data, remap.hostRootUid(), remap.hostRootGid());
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "prepare volume " + data + ": " + e.getMessage(), e);
        }
    }

    /**
     * A layer that puts the image's files in the remapped range, to go on top of the image's own
     * layers in a {@link #METACOPY} overlay; made once per image and range, then reused. It holds
     * metadata only: overlay's metacopy copies up the new owners and leaves the data below, so
     * it costs an inode per file, not a copy of the image.
     */
    static Path ownershipLayer(Path cache, String imageHex, List<Path> imageLayers, IdRemap remap) {
        Path range = cache.resolve(remap.uidStart() + "." + remap.gidStart() + "." + remap.size());
        Path done = range.resolve(imageHex);
        if (Files.isDirectory(done)) {
            return done;
        }
        Path scratch = null;
        try {
            Files.createDirectories(range);
            scratch = Files.createTempDirectory(range, "making-");
            Path diff = Files.createDirectory(scratch.resolve("diff"));
            Path merged = Files.createDirectory(scratch.resolve("merged"));
            Mounts.overlay(imageLayers, diff, Files.createDirectory(scratch.resolve("work")), merged, METACOPY);
            try {
                shiftOwners(merged, remap);
            } finally {
                Mounts.unmountAllBelow(merged);
            }
            try {
                Files.move(diff, done, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException raced) {
                if (!Files.isDirectory(done)) {
                    throw raced;
                }
                // another container of the same range made it first: theirs is as good
            }
            return done;
        } catch (IOException | UncheckedIOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "shift the owners of image " + imageHex
                    + " into the range of " + remap.asLine() + ": " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                Trees.delete(scratch, "scratch of an ownership layer");
            }
        }
    }

    /**
     * What a daemon that died while making an ownership layer left (its mount and its scratch), and
     * the layers of images no longer stored (removed by a tallyd before ownership layers went with their
     * image; a removal cut short between the two leaves the record, whose layers are made again if needed).
     *
     * @param storedImages the ids ({@code sha256:…}) of the images the store has a record of
     */
    static void clearUnfinished(Path cache, java.util.Set<String> storedImages) {
        if (!Files.isDirectory(cache)) {
            return;
        }
        Mounts.unmountAllBelow(cache);
        try (Stream<Path> ranges = Files.list(cache)) {
            for (Path range : ranges.toList()) {
                try (Stream<Path> made = Files.list(range)) {
                    for (Path p : made.toList()) {
                        String name = p.getFileName().toString();
                        if (name.startsWith("making-")) {
                            Trees.delete(p, "unfinished ownership layer");
                        } else if (!storedImages.contains("sha256:" + name)) {
                            Trees.delete(p, "ownership layer of an image no longer stored");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + cache + ": " + e.getMessage(), e);
        }
    }

    /**
     * The image's ownership layers, of every range, removed with the image: no container can run on
     * them again (the image is removed only once no container of the log was made from it). Nothing
     * to remove is no error.
     */
    static void removeOwnershipLayers(Path cache, String imageHex) {
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (Stream<Path> ranges = Files.list(cache)) {
            for (Path range : ranges.toList()) {
                Path layer = range.resolve(imageHex);
                if (Files.exists(layer, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Trees.delete(layer, "ownership layer of a removed image");
                }
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + cache + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every file's uid and gid moved into the range; ids beyond the range stay (they show as
     * nobody) and lose their set-uid or set-gid bit. Walked by descriptor ({@link HostFd}): each
     * entry is held before it is looked at, so a link is changed as the link and never followed.
     */
    private static void shiftOwners(Path merged, IdRemap remap) {
        try (HostFd top = HostFd.trusted(merged)) {
            shiftOwners(top, remap);
        }
    }

    private static void shiftOwners(HostFd file, IdRemap remap) {
        HostFd.Stat s = file.stat();
        int newUid = s.uid() < remap.size() ? Math.toIntExact(remap.uidStart() + s.uid()) : s.uid();
        int newGid = s.gid() < remap.size() ? Math.toIntExact(remap.gidStart() + s.gid()) : s.gid();
        file.chown(newUid, newGid);
        // chown clears set-uid and set-gid bits, root's chown included: put them back, but
        // only for an owner now in the range; one beyond it is a host id (another user's
        // range, even), which the range's owner, entering the range, could otherwise take
        int kept = s.mode() & 07777 & ~(s.uid() < remap.size() ? 0 : 04000) & ~(s.gid() < remap.size() ? 0 : 02000);
        if ((kept & 06000) != 0 && !s.isSymbolicLink()) {
            file.chmod(kept);
        }
        if (s.isDirectory()) {
            for (String name : file.names()) {
                try (HostFd entry = file.entry(name)) {
                    shiftOwners(entry, remap);
                }
            }
        }
    }

    private static void chown(Path p, int uid, int gid) {
        setAttribute(p, "unix:uid", uid);
        setAttribute(p, "unix:gid", gid);
    }

    private static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode");
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "stat " + p + ": " + e.getMessage(), e);
        }
    }

    private static void setAttribute(Path p, String attribute, int value) {
        try {
            Files.setAttribute(p, attribute, value, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "set " + attribute + " of " + p + ": " + e.getMessage(), e);
        }
    }
}
