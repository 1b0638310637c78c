package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copy-up: the directory an image holds at a volume's mount path, copied into the (empty) volume as
 * dockerd's {@code copyExistingContents} does with containerd's {@code fs.CopyDir}: directories,
 * regular files, symbolic links (as links, their targets as written), FIFOs, hard links within the
 * copy as hard links; owners, modes (set-uid and set-gid bits included), modification times and the
 * extended attributes an image's layer carries ({@code user.*}, {@code security.capability}); the
 * directory's own owner, mode and time go to the volume's top. Device nodes and sockets are left out:
 * images here carry neither (their layers drop them), and a device node is for admins alone.
 *
 * <p>The image is untrusted input. Its path is resolved in the source root only ({@link InRoot},
 * {@code RESOLVE_IN_ROOT}: a link leads somewhere in the image, never out of it); below it each
 * entry is opened relative to its parent with {@code O_NOFOLLOW} and a file's bytes are read through
 * the descriptor checked to be a regular file. Each entry of the copy is made exclusively in its
 * parent's held descriptor ({@code mkdirat}, {@code openat O_CREAT|O_EXCL|O_NOFOLLOW},
 * {@code symlinkat}), and changed through a descriptor of what was made, never through a path a link
 * could redirect. Owners are copied as the source shows them: a remapped container's root view shows
 * its image's files in its range, so its volume gets them in that range, as the container sees them.
 * Not thread-safe; one copy per instance.
 */
final class ImageContentCopy {

    private static final String CAPABILITY = "security.capability";

    /** The copy's path (names below the top) of each file with more than one link, by device and inode. */
    private final Map<String, List<String>> linked = new HashMap<>();
    private final InRoot.Held destTop;
    private final Runnable afterFirstFile;
    private boolean copiedAFile;

    private ImageContentCopy(InRoot.Held destTop, Runnable afterFirstFile) {
        this.destTop = destTop;
        this.afterFirstFile = afterFirstFile;
    }

    /**
     * Copies what {@code source} holds at {@code path} (absolute in it) into {@code dest} if that is
     * empty; whether it copied (nothing when the path is missing or no directory, as dockerd, or when
     * {@code dest} has content). FAILED, naming the path, for what cannot be copied; what was copied stays (the
     * caller's to undo).
     */
    static boolean copy(InRoot source, String path, Path dest) {
        return copy(source, path, dest, () -> { });
    }

    /** As {@link #copy(InRoot, String, Path)}, calling {@code afterFirstFile} once a first file is copied (a test's kill). */
    static boolean copy(InRoot source, String path, Path dest, Runnable afterFirstFile) {
        InRoot.Held top;
        try {
            top = source.resolve(path, true);
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.NOT_FOUND) {
                return false;
            }
            throw new DomainException(DomainException.Kind.FAILED, "copy the image's content at " + path
                    + " into its volume: " + e.getMessage(), e);
        }
        try (top; InRoot destRoot = InRoot.open(dest); InRoot.Held destHeld = destRoot.top()) {
            InRoot.Stat st = top.stat();
            if (!st.isDirectory()) {
                return false;
            }
            if (!InRoot.names(destHeld).isEmpty()) {
                // a container that shares the volume wrote into it meanwhile: the volume has content, as dockerd
                // finds it then; not a failure, whose undoing would take that container's files
                return false;
            }
            ImageContentCopy c = new ImageContentCopy(destHeld, afterFirstFile);
            c.children(top, destHeld, new ArrayList<>(), 0);
            c.attributes(top, st, destHeld, null, null);
            return true;
        }
    }

    private void children(InRoot.Held from, InRoot.Held to, List<String> at, int depth) {
        if (depth > TarOfTree.MAX_DEPTH) {
            throw new DomainException(DomainException.Kind.FAILED, "copy " + from.name + ": the tree is deeper than "
                    + TarOfTree.MAX_DEPTH + " levels");
        }
        for (String name : InRoot.names(from)) {
            try (InRoot.Held entry = InRoot.entryIfPresent(from, name, from.name + "/" + name)) {
                if (entry != null) {
                    List<String> here = new ArrayList<>(at);
                    here.add(name);
                    one(entry, entry.stat(), to, name, here, depth);
                }
            }
        }
    }

    /** One entry of the source, made as {@code name} in {@code to} (and, for a directory, all below it). */
    private void one(InRoot.Held from, InRoot.Stat st, InRoot.Held to, String name, List<String> path, int depth) {
        String shown = to.name + "/" + name;
        if (st.isDirectory()) {
            InRoot.call("mkdir", shown, () -> Libc.mkdirat(to.fd, name, 0700));
            try (InRoot.Held made = InRoot.entry(to, name, shown)) {
                requireKind(made, st);
                children(from, made, path, depth + 1);
                attributes(from, st, made, to, name);
            }
        } else if (st.isRegularFile()) {
            String key = st.devMajor() + ":" + st.devMinor() + ":" + st.ino();
            List<String> first = st.nlink() > 1 ? linked.putIfAbsent(key, path) : null;
            if (first != null) {
                link(first, to, name, shown);
                return; // a hard link shares its first name's owner, mode and time
            }
            int fd = InRoot.call("create", shown, () -> Libc.openat(to.fd, name,
                    Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0600));
            close(fd);
            try (InRoot.Held made = InRoot.entry(to, name, shown)) {
                requireKind(made, st);
                bytes(from, made, st.size());
                attributes(from, st, made, to, name);
            }
            if (!copiedAFile) {
                copiedAFile = true;
                afterFirstFile.run();
            }
        } else if (st.isSymbolicLink()) {
            String target = InRoot.readLink(from);
            InRoot.call("symlink", shown, () -> Libc.symlinkat(target, to.fd, name));
            try (InRoot.Held made = InRoot.entry(to, name, shown)) {
                requireKind(made, st);
                chown(made, st);
                times(st, to.fd, name, Libc.AT_SYMLINK_NOFOLLOW, shown);
            }
        } else if (st.isFifo()) {
            InRoot.call("mkfifo", shown, () -> Libc.mknodat(to.fd, name, 0010000 | 0600, 0));
            try (InRoot.Held made = InRoot.entry(to, name, shown)) {
                requireKind(made, st);
                attributes(from, st, made, to, name);
            }
        }
        // a device node or a socket: left out (see the class comment)
    }

    /** What was made is what was meant: a container that mounts the volume may have put something else there meanwhile. */
    private static void requireKind(InRoot.Held made, InRoot.Stat meant) {
        if ((made.stat().mode() & 0170000) != (meant.mode() & 0170000)) {
            throw new DomainException(DomainException.Kind.FAILED, "copy into " + made.name
                    + ": it was replaced meanwhile");
        }
    }

    private static void bytes(InRoot.Held from, InRoot.Held to, long size) {
        try (FileChannel in = FileChannel.open(Path.of(from.procPath()), StandardOpenOption.READ);
             FileChannel out = FileChannel.open(Path.of(to.procPath()), StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < size) {
                long n = in.transferTo(done, size - done, out);
                if (n <= 0) {
                    break; // the file shrank meanwhile: what it has is copied
                }
                done += n;
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "copy " + from.name + " to " + to.name + ": "
                    + e.getMessage(), e);
        }
    }

    /** A hard link to the copy's file at {@code first} (names below the top), found without following links. */
    private void link(List<String> first, InRoot.Held to, String name, String shown) {
        List<InRoot.Held> opened = new ArrayList<>();
        try {
            InRoot.Held at = destTop;
            for (String part : first) {
                at = InRoot.entry(at, part, at.name + "/" + part);
                opened.add(at);
            }
            if (!at.stat().isRegularFile()) {
                throw new DomainException(DomainException.Kind.FAILED, "link " + shown + ": " + at.name
                        + " was replaced meanwhile");
            }
            int source = at.fd;
            InRoot.call("link", shown, () -> Libc.linkat(source, "", to.fd, name, Libc.AT_EMPTY_PATH));
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
        }
    }

    /**
     * Owner, then mode (a chown takes set-uid and set-gid bits away), then the carried extended
     * attributes (a chown takes a capability away too), then the time. {@code parent} null: the top.
     */
    private static void attributes(InRoot.Held from, InRoot.Stat st, InRoot.Held made, InRoot.Held parent, String name) {
        chown(made, st);
        try {
            java.nio.file.Files.setAttribute(Path.of(made.procPath()), "unix:mode", st.mode() & 07777);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "chmod " + made.name + ": " + e.getMessage(), e);
        }
        for (String attribute : from.xattrNames()) {
            if (!attribute.startsWith("user.") && !attribute.equals(CAPABILITY)) {
                continue;
            }
            byte[] value = from.xattr(attribute);
            if (value != null) {
                try {
                    Libc.setxattr(made.procPath(), attribute, value, value.length, 0);
                } catch (LastErrorException e) {
                    // as dockerd: an attribute the volume's filesystem does not support is left out
                    if (e.getErrorCode() != 95) {
                        throw InRoot.failure("setxattr " + attribute, made.name, e.getErrorCode());
                    }
                }
            }
        }
        // by name in the parent, not through a descriptor: Java's setTimes opens the file, which waits on a FIFO
        if (parent == null) {
            times(st, Libc.AT_FDCWD, made.procPath(), 0, made.name);
        } else {
            times(st, parent.fd, name, Libc.AT_SYMLINK_NOFOLLOW, made.name);
        }
    }

    private static void chown(InRoot.Held made, InRoot.Stat st) {
        InRoot.call("chown", made.name, () -> Libc.fchownat(made.fd, "", st.uid(), st.gid(),
                Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW));
    }

    /** Access and modification time both the source's modification time (a link's own with AT_SYMLINK_NOFOLLOW). */
    private static void times(InRoot.Stat st, int dirFd, String name, int flags, String shown) {
        long[] times = {st.mtimeSeconds(), st.mtimeNanos(), st.mtimeSeconds(), st.mtimeNanos()};
        InRoot.call("utimensat", shown, () -> Libc.utimensat(dirFd, name, times, flags));
    }

    private static void close(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing was written through it
        }
    }
}
