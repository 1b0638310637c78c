package dev.tally.runtime.image;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a layer tar under a root directory, the layer's own (an overlay lower directory). No entry
 * may land outside the root: names are normalized and checked, and no path is written through a
 * symbolic link that the archive made (each parent must be a real directory below the root). Hard
 * links must point to a regular file inside the root. Whiteouts become overlay's: {@code .wh.NAME}
 * a character device 0/0 named NAME, {@code .wh..wh..opq} the attribute
 * {@code trusted.overlay.opaque=y} on its directory. Owners, modes (set-uid and set-gid included)
 * and the extended attributes {@code user.*} and {@code security.capability} are kept; a layer may
 * not set {@code trusted.*} (overlay's own), so those, and other namespaces, are dropped. Devices
 * and fifos are not kept.
 *
 * <p>The directories found real (checked with lstat, or made here) are remembered, so that the many
 * entries of one directory cost no lstat of each of its parents again; anything deleted in the tree
 * (an entry written again, a whiteout) forgets them all, since a directory may have been replaced
 * by a link.
 */
final class SafeTarExtractor {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..opq";
    private static final String SCHILY_XATTR = "SCHILY.xattr.";
    private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

    private final Path root;
    private final byte[] buffer = new byte[256 << 10];
    /** Directories below the root known to be real, with all of theirs parents: cleared by every deletion. */
    private final Set<Path> realDirs = new HashSet<>();
    /** The regular files written, and the directories that got an entry or an attribute (the root too): what a sync of the tree covers. */
    private final Set<Path> files = new LinkedHashSet<>();
    private final Set<Path> dirs = new LinkedHashSet<>();

    /**
     * What the files written may add up to: the tar's own bytes are budgeted where they are read, but a
     * sparse entry (GNU or PAX) of a terabyte takes a few hundred bytes of the tar and is written out
     * whole, as zeros; so what is written is budgeted too.
     */
    private final MeteredInput.Budget written;
    private long wrote;

    SafeTarExtractor(Path root) {
        this(root, MeteredInput.Budget.NONE);
    }

    SafeTarExtractor(Path root, MeteredInput.Budget written) {
        this.root = root.toAbsolutePath().normalize();
        this.written = written;
    }

    void extract(InputStream tar) throws IOException {
        PaxXattrTap tap = new PaxXattrTap(tar);
        try (TarArchiveInputStream in = new TarArchiveInputStream(tap)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = resolve(e.getName());
                if (target.equals(root)) {
                    continue;
                }
                entryIn(target.getParent());
                String base = target.getFileName().toString();
                if (base.startsWith(WHITEOUT)) {
                    requireRealParents(target);
                    whiteout(target.getParent(), base.substring(WHITEOUT.length()));
                    continue;
                }
                if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    continue; // devices and fifos are not kept in images here (commons-compress calls them files)
                }
                requireRealParents(target);
                if (e.isDirectory()) {
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        delete(target);
                        Files.createDirectory(target);
                    }
                    dirs.add(target);
                } else if (e.isSymbolicLink()) {
                    delete(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Path source = resolve(e.getLinkName());
                    requireRealParents(source);
                    if (Files.isSymbolicLink(source) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw DomainException.invalid("hard link " + e.getName() + " points to "
                                + e.getLinkName() + ", which is not a regular file in the archive");
                    }
                    delete(target);
                    Files.createLink(target, source);
                    files.add(target); // the file's data by this name too, should a later entry remove the first
                    continue;
                } else if (e.isFile()) {
                    write(in, target);
                } else {
                    continue; // devices and fifos are not kept in images here
                }
                applyAttributes(e, target, tap.xattrs());
            }
        }
    }

    /**
     * A file's content, in large writes (Files.copy writes 8 KiB at a time). Created new (never
     * through a link); what an earlier entry left at its name (rare: the tree starts empty) is
     * deleted first, so the common case costs no lookup and no unlink.
     */
    private void write(InputStream content, Path target) throws IOException {
        OutputStream created;
        try {
            created = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException earlierEntry) {
            delete(target);
            created = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        files.add(target);
        try (OutputStream out = created; EarlyWriteback writeback = new EarlyWriteback(target)) {
            int n;
            while ((n = content.read(buffer, 0, buffer.length)) >= 0) {
                wrote += n;
                written.check(wrote);
                out.write(buffer, 0, n);
                writeback.wrote(n);
            }
        }
    }

    /** {@code dir} and its parents up to the root get an entry: their fsync makes it durable. */
    private void entryIn(Path dir) {
        for (Path d = dir; d != null && d.startsWith(root) && dirs.add(d); d = d.getParent()) {
            // its parents may have been made for it
        }
    }

    /** The regular files written: their fsync makes their content and attributes durable. */
    Set<Path> files() {
        return files;
    }

    /** The directories that got entries or attributes, the root among them: their fsync makes their entries durable. */
    Set<Path> dirs() {
        dirs.add(root);
        return dirs;
    }

    /** {@code .wh.NAME} hides NAME of the layers below; {@code .wh..wh..opq} hides all of its directory's. */
    private void whiteout(Path dir, String name) throws IOException {
        if (name.equals(OPAQUE)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
            }
            LayerCalls.setXattr(dir, "trusted.overlay.opaque", new byte[] {'y'});
            return;
        }
        if (name.startsWith(WHITEOUT)) {
            return; // aufs's own metadata (.wh..wh.plnk, .wh..wh.aufs): nothing for overlay
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw DomainException.invalid("archive entry " + root.relativize(dir.resolve(WHITEOUT + name))
                    + " is a whiteout of no name");
        }
        Path hidden = dir.resolve(name);
        realDirs.clear();
        if (Files.isDirectory(hidden, LinkOption.NOFOLLOW_LINKS)) {
            dev.tally.runtime.Trees.delete(hidden, "a directory this layer whites out");
            files.removeIf(f -> f.startsWith(hidden));
            dirs.removeIf(d -> d.startsWith(hidden));
        } else {
            Files.deleteIfExists(hidden);
            files.remove(hidden);
        }
        LayerCalls.whiteout(hidden); // a device now: no file of the tree's to sync
    }

    private Path resolve(String name) {
        Path p = root.resolve(stripLeadingSlashes(name)).normalize();
        if (!p.startsWith(root)) {
            throw DomainException.invalid("archive entry " + name + " would be written outside the image root");
        }
        return p;
    }

    /** Deletes what an earlier entry left at {@code target}; the directories known real are checked again. */
    private void delete(Path target) throws IOException {
        realDirs.clear();
        Files.deleteIfExists(target);
        files.remove(target);
    }

    private void requireRealParents(Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || parent.equals(root) || realDirs.contains(parent)) {
            return;
        }
        for (Path p = parent; p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw DomainException.invalid("archive entry " + root.relativize(target)
                        + " would be written through the symbolic link " + root.relativize(p));
            }
        }
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(parent);
            } catch (FileAlreadyExistsException e) {
                throw DomainException.invalid("archive entry " + root.relativize(target)
                        + " has a parent that is not a directory");
            }
        }
        for (Path p = parent; p != null && !p.equals(root) && realDirs.add(p); p = p.getParent()) {
            // it and its parents are real directories now
        }
    }

    private static String stripLeadingSlashes(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '/') {
            i++;
        }
        return name.substring(i);
    }

    /**
     * Owner first: a chown clears set-id bits and file capabilities, so mode and attributes come after it.
     * {@code raw} holds the entry's {@code SCHILY.xattr.} values as bytes (the reader's strings lose binary ones).
     */
    private static void applyAttributes(TarArchiveEntry e, Path target, Map<String, byte[]> raw) throws IOException {
        Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!e.isSymbolicLink()) {
            Files.setAttribute(target, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
            Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
        }
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            String name = xattrName(h.getKey());
            if (name == null || !(name.startsWith("user.") || name.equals("security.capability"))) {
                continue;
            }
            boolean libarchive = h.getKey().startsWith(LIBARCHIVE_XATTR);
            byte[] value = libarchive ? Base64.getDecoder().decode(h.getValue().replaceAll("=+$", ""))
                    : raw.containsKey(name) ? raw.get(name) : h.getValue().getBytes(StandardCharsets.UTF_8);
            if (!libarchive && !raw.containsKey(name) && h.getValue().indexOf('\uFFFD') >= 0) {
                continue; // a binary value whose bytes were not seen: better none than a wrong one
            }
            LayerCalls.setXattr(target, name, value);
        }
    }

    /** The attribute a PAX header carries ({@code SCHILY.xattr.NAME}, {@code LIBARCHIVE.xattr.NAME}), or null. */
    private static String xattrName(String header) {
        if (header.startsWith(SCHILY_XATTR)) {
            return header.substring(SCHILY_XATTR.length());
        }
        if (header.startsWith(LIBARCHIVE_XATTR)) {
            return java.net.URLDecoder.decode(header.substring(LIBARCHIVE_XATTR.length()), StandardCharsets.UTF_8);
        }
        return null;
    }

}
