package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Unpacks a tar into a directory held in an {@link InRoot} (a container's root filesystem, which the
 * container may change at the same time). Every entry is made relative to its parent's descriptor,
 * each parent opened with {@code O_NOFOLLOW} from the destination down: a link in an entry's path
 * (one the archive made, or one the container put there, even mid-copy) stops the copy with INVALID,
 * never followed; names with {@code ..} are refused. Owners come from the archive (or are the
 * container's user), mapped into the container's ids ({@link Owners}); set-uid and set-gid bits and
 * device nodes as {@link ContainerFiles.CopyOptions} allow.
 */
final class TarIntoTree {

    /** How archive owners become host owners. */
    interface Owners {
        /** The host uid of container uid {@code uid}; INVALID when it has none. */
        int uid(long uid);

        int gid(long gid);

        /** Whether the container's ids are remapped (so that no owner is a host id). */
        boolean remapped();
    }

    private final ContainerFiles.CopyOptions options;
    private final Owners owners;
    /** The container's user (container ids) when every file is to be theirs, else null. */
    private final int[] user;

    TarIntoTree(ContainerFiles.CopyOptions options, Owners owners, int[] user) {
        this.options = options;
        this.owners = owners;
        this.user = user;
    }

    /** Reads the whole archive and says what unpacking it would make; INVALID for what it cannot. */
    ContainerFiles.ArchiveCheck check(InputStream tar) throws IOException {
        long entries = 0;
        long devices = 0;
        String firstDevice = "";
        java.util.Set<String> links = new java.util.HashSet<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry e;
            while ((e = nextEntry(in)) != null) {
                List<String> names = names(e.getName());
                if (e.isLink()) {
                    names(e.getLinkName());
                }
                for (int i = 1; i < names.size(); i++) {
                    if (links.contains(String.join("/", names.subList(0, i)))) {
                        throw DomainException.invalid("archive entry " + e.getName() + " would be written through the "
                                + "symbolic link " + String.join("/", names.subList(0, i)) + " the archive makes");
                    }
                }
                if (e.isSymbolicLink()) {
                    links.add(String.join("/", names));
                } else {
                    links.remove(String.join("/", names));
                }
                if (e.isCharacterDevice() || e.isBlockDevice()) {
                    if (devices++ == 0) {
                        firstDevice = e.getName();
                    }
                } else if (!(e.isDirectory() || regular(e) || e.isSymbolicLink() || e.isLink() || e.isFIFO())) {
                    throw DomainException.invalid("archive entry " + e.getName() + " is of a kind that cannot be copied");
                }
                if (!names.isEmpty()) {
                    owner(e);
                }
                entries++;
            }
        }
        return new ContainerFiles.ArchiveCheck(entries, devices, firstDevice);
    }

    /** Unpacks the archive below {@code dest} (a held directory). */
    void extract(InputStream tar, InRoot.Held dest) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry e;
            while ((e = nextEntry(in)) != null) {
                List<String> names = names(e.getName());
                if (names.isEmpty()) {
                    continue; // the archive's own top ("./"): the destination stays as it is
                }
                List<InRoot.Held> opened = new ArrayList<>();
                try {
                    InRoot.Held parent = parentOf(dest, names, opened);
                    unpack(in, e, parent, names.get(names.size() - 1), dest, opened);
                } finally {
                    for (int i = opened.size() - 1; i >= 0; i--) {
                        opened.get(i).close();
                    }
                }
            }
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream in) throws IOException {
        try {
            return in.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("the archive is not a valid tar: " + e.getMessage());
        }
    }

    /** The directory an entry goes in, made (owned by the container's root) where missing. */
    private InRoot.Held parentOf(InRoot.Held dest, List<String> names, List<InRoot.Held> opened) {
        InRoot.Held at = dest;
        StringBuilder shown = new StringBuilder(dest.name);
        for (int i = 0; i < names.size() - 1; i++) {
            String name = names.get(i);
            shown.append('/').append(name);
            InRoot.Held next = InRoot.entryIfPresent(at, name, shown.toString());
            if (next == null) {
                String where = shown.toString();
                int parentFd = at.fd;
                InRoot.call("mkdir", where, () -> Libc.mkdirat(parentFd, name, 0755));
                next = InRoot.entry(at, name, where);
                opened.add(next);
                chown(next, owners.uid(0), owners.gid(0));
            } else {
                opened.add(next);
            }
            InRoot.Stat s = next.stat();
            if (!s.isDirectory()) {
                throw DomainException.invalid("cannot copy " + String.join("/", names) + ": " + shown
                        + (s.isSymbolicLink() ? " is a symbolic link (links in an archive's own paths are not followed)"
                        : " is not a directory"));
            }
            at = next;
        }
        return at;
    }

    private void unpack(TarArchiveInputStream in, TarArchiveEntry e, InRoot.Held parent, String name, InRoot.Held dest,
                        List<InRoot.Held> opened) throws IOException {
        String shown = parent.name + "/" + name;
        int[] owner = owner(e);
        int mode = mode(e);
        InRoot.Held existing = InRoot.entryIfPresent(parent, name, shown);
        if (existing != null) {
            opened.add(existing);
            InRoot.Stat was = existing.stat();
            if (e.isDirectory() && was.isDirectory()) {
                chown(existing, owner[0], owner[1]);
                chmod(existing, mode);
                return;
            }
            if (was.isDirectory() || e.isDirectory()) {
                if (options.noOverwriteDirNonDir() || was.isDirectory()) {
                    throw DomainException.invalid("cannot overwrite " + (was.isDirectory() ? "directory \"" + shown
                            + "\" with non-directory \"" : "non-directory \"" + shown + "\" with directory \"")
                            + e.getName() + "\"");
                }
            }
            int parentFd = parent.fd;
            InRoot.call("remove", shown, () -> Libc.unlinkat(parentFd, name, 0));
        }
        int parentFd = parent.fd;
        if (e.isDirectory()) {
            InRoot.call("mkdir", shown, () -> Libc.mkdirat(parentFd, name, 0700));
        } else if (e.isSymbolicLink()) {
            InRoot.call("symlink", shown, () -> Libc.symlinkat(e.getLinkName(), parentFd, name));
        } else if (e.isLink()) {
            link(e, dest, parent, name, shown, opened);
            return; // a hard link shares its target's owner and mode
        } else if (regular(e)) {
            writeFile(in, parent, name, shown, e.getSize());
        } else if (e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice()) {
            if (!e.isFIFO() && !options.devices()) {
                throw new DomainException(DomainException.Kind.DENIED, "authorization denied: device node " + e.getName());
            }
            int type = e.isFIFO() ? 0010000 : e.isCharacterDevice() ? 0020000 : 0060000;
            long dev = ((long) e.getDevMajor() << 8) | (e.getDevMinor() & 0xff) | ((long) (e.getDevMinor() & ~0xff) << 12);
            InRoot.call("mknod", shown, () -> Libc.mknodat(parentFd, name, type | 0600, dev));
        } else {
            return;
        }
        try (InRoot.Held made = InRoot.entry(parent, name, shown)) {
            chown(made, owner[0], owner[1]);
            if (!e.isSymbolicLink()) {
                chmod(made, mode);
                try {
                    java.nio.file.Files.setLastModifiedTime(java.nio.file.Path.of(made.procPath()),
                            java.nio.file.attribute.FileTime.from(e.getModTime().toInstant()));
                } catch (IOException x) {
                    throw new DomainException(DomainException.Kind.FAILED, "set the time of " + shown + ": "
                            + x.getMessage(), x);
                }
            }
        }
    }

    /** A new regular file, made exclusively (no link followed), filled with the entry's bytes. */
    private static void writeFile(InputStream in, InRoot.Held parent, String name, String shown, long size) {
        int fd = InRoot.call("create", shown, () -> Libc.openat(parent.fd, name,
                Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0600));
        try {
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw DomainException.invalid("the archive ends inside " + shown);
                }
                int off = 0;
                while (off < n) {
                    byte[] chunk = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, n);
                    long w = Libc.write(fd, chunk, n - off);
                    off += (int) w;
                }
                left -= n;
            }
        } catch (IOException e) {
            throw DomainException.invalid("read the archive at " + shown + ": " + e.getMessage());
        } catch (LastErrorException e) {
            throw InRoot.failure("write", shown, e.getErrorCode());
        } finally {
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // the bytes were written; close reports nothing more for a local file
            }
        }
    }

    /** A hard link to a file the archive names relative to the destination, found without following links. */
    private static void link(TarArchiveEntry e, InRoot.Held dest, InRoot.Held parent, String name, String shown,
                             List<InRoot.Held> opened) {
        List<String> target = names(e.getLinkName());
        if (target.isEmpty()) {
            throw DomainException.invalid("hard link " + e.getName() + " points to the destination itself");
        }
        InRoot.Held at = dest;
        for (int i = 0; i < target.size() - 1; i++) {
            at = InRoot.entry(at, target.get(i), dest.name + "/" + String.join("/", target.subList(0, i + 1)));
            opened.add(at);
            if (!at.stat().isDirectory()) {
                throw DomainException.invalid("hard link " + e.getName() + " points through " + at.name
                        + ", which is not a directory");
            }
        }
        InRoot.Held source = InRoot.entry(at, target.get(target.size() - 1), dest.name + "/" + e.getLinkName());
        opened.add(source);
        if (!source.stat().isRegularFile()) {
            throw DomainException.invalid("hard link " + e.getName() + " points to " + e.getLinkName()
                    + ", which is not a regular file");
        }
        int sourceFd = source.fd;
        int parentFd = parent.fd;
        InRoot.call("link", shown, () -> Libc.linkat(sourceFd, "", parentFd, name, Libc.AT_EMPTY_PATH));
    }

    /** A regular file's entry (commons-compress calls every entry of an unknown kind a file). */
    static boolean regular(TarArchiveEntry e) {
        byte flag = e.getLinkFlag();
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
    }

    /** The host owner of an entry: the archive's (or the container user's) ids in the container, mapped. */
    private int[] owner(TarArchiveEntry e) {
        long uid = user != null ? user[0] : e.getLongUserId();
        long gid = user != null ? user[1] : e.getLongGroupId();
        return new int[] {owners.uid(uid), owners.gid(gid)};
    }

    /** Permission bits; set-uid and set-gid only where the options or a remapped container allow them. */
    private int mode(TarArchiveEntry e) {
        int mode = e.getMode() & 07777;
        return options.keepSetIds() || owners.remapped() ? mode : mode & ~06000;
    }

    private static void chown(InRoot.Held held, int uid, int gid) {
        InRoot.call("chown", held.name, () -> Libc.fchownat(held.fd, "", uid, gid,
                Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW));
    }

    /**
     * Through the held descriptor's {@code /proc/self/fd} path, which leads to exactly the file held;
     * never for a link (the container may have put one where the file was made: that path would then
     * be followed on the host), which is refused.
     */
    private static void chmod(InRoot.Held held, int mode) {
        if (held.stat().isSymbolicLink()) {
            throw DomainException.invalid("cannot copy " + held.name + ": it was replaced by a symbolic link meanwhile");
        }
        try {
            java.nio.file.Files.setAttribute(java.nio.file.Path.of(held.procPath()), "unix:mode", mode);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "chmod " + held.name + ": " + e.getMessage(), e);
        }
    }

    /** An entry's name as components: no leading {@code /} or {@code ./}, no {@code ..} (INVALID), no empty ones. */
    static List<String> names(String entryName) {
        List<String> names = new ArrayList<>();
        for (String part : entryName.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") || part.indexOf('\0') >= 0) {
                throw DomainException.invalid("archive entry " + entryName + " would be written outside the destination");
            }
            names.add(part);
        }
        return names;
    }
}
