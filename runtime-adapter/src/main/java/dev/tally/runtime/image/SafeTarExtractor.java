package dev.tally.runtime.image;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a layer tar under a root directory. No entry may land outside the root: names are
 * normalized and checked, and no path is written through a symbolic link that the archive made
 * (each parent must be a real directory below the root). Hard links must point inside the root.
 */
final class SafeTarExtractor {

    private final Path root;

    SafeTarExtractor(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    void extract(InputStream tar) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = resolve(e.getName());
                if (target.equals(root)) {
                    continue;
                }
                if (target.getFileName().toString().startsWith(".wh.")) {
                    continue; // whiteouts mean nothing in a first layer
                }
                requireRealParents(target);
                if (e.isDirectory()) {
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.deleteIfExists(target);
                        Files.createDirectory(target);
                    }
                } else if (e.isSymbolicLink()) {
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Path source = resolve(e.getLinkName());
                    requireRealParents(source);
                    if (Files.isSymbolicLink(source) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw DomainException.invalid("hard link " + e.getName() + " points to "
                                + e.getLinkName() + ", which is not a regular file in the archive");
                    }
                    Files.deleteIfExists(target);
                    Files.createLink(target, source);
                    continue;
                } else if (e.isFile()) {
                    Files.deleteIfExists(target);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    continue; // devices and fifos are not kept in images here
                }
                applyAttributes(e, target);
            }
        }
    }

    private Path resolve(String name) {
        Path p = root.resolve(stripLeadingSlashes(name)).normalize();
        if (!p.startsWith(root)) {
            throw DomainException.invalid("archive entry " + name + " would be written outside the image root");
        }
        return p;
    }

    private void requireRealParents(Path target) throws IOException {
        for (Path p = target.getParent(); p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw DomainException.invalid("archive entry " + root.relativize(target)
                        + " would be written through the symbolic link " + root.relativize(p));
            }
        }
        Path parent = target.getParent();
        if (parent != null && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(parent);
            } catch (FileAlreadyExistsException e) {
                throw DomainException.invalid("archive entry " + root.relativize(target)
                        + " has a parent that is not a directory");
            }
        }
    }

    private static String stripLeadingSlashes(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '/') {
            i++;
        }
        return name.substring(i);
    }

    private static void applyAttributes(TarArchiveEntry e, Path target) throws IOException {
        Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!e.isSymbolicLink()) {
            Files.setAttribute(target, "unix:mode", e.getMode() & 07777);
            Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
        }
    }

}
