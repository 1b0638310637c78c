package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory tree that someone else may write while the daemon works in it (a container's root
 * filesystem, its upper layer), held by descriptors. A path is resolved with {@code openat2} and
 * {@code RESOLVE_IN_ROOT}: symbolic links are followed as the container would follow them, inside the
 * root and never out of it, with no magic links and no other mount crossed. Below a resolved
 * directory every entry is opened with {@code O_NOFOLLOW} relative to its parent's descriptor, so a
 * directory swapped for a link mid-walk is met as the link, never followed. Not thread-safe.
 */
final class InRoot implements AutoCloseable {

    private static final int ERANGE = 34;
    private static final int XATTR_SIZE_MAX = 65536;
    private static final long RESOLVE = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS | Libc.RESOLVE_NO_XDEV;

    private final int root;
    private final String hostPath;
    private boolean closed;

    private InRoot(int root, String hostPath) {
        this.root = root;
        this.hostPath = hostPath;
    }

    /** The tree at {@code directory}, a path only root can change (under the data root). */
    static InRoot open(Path directory) {
        String where = directory.toAbsolutePath().toString();
        return new InRoot(call("open", where, () -> Libc.open(where, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC)),
                where);
    }

    /** A descriptor held in the tree, and the name it has for messages. */
    static final class Held implements AutoCloseable {
        final int fd;
        final String name;
        private boolean closed;

        Held(int fd, String name) {
            this.fd = fd;
            this.name = name;
        }

        /** Type, mode, owner, size and times of what is held (of a link itself). */
        Stat stat() {
            return InRoot.stat(fd, name);
        }

        /** The extended attribute {@code name} of what is held (a file or a directory), or null when it has none. */
        byte[] xattr(String attribute) {
            return xattr(attribute, 4096);
        }

        private byte[] xattr(String attribute, int size) {
            byte[] buf = new byte[size];
            try {
                long n = Libc.getxattr(procPath(), attribute, buf, buf.length);
                return java.util.Arrays.copyOf(buf, (int) n);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.ENODATA) {
                    return null;
                }
                if (e.getErrorCode() == ERANGE && size < XATTR_SIZE_MAX) {
                    return xattr(attribute, XATTR_SIZE_MAX); // the kernel's limit of a value
                }
                throw failure("getxattr " + attribute, name, e.getErrorCode());
            }
        }

        /** The names of the extended attributes of what is held (a file or a directory). */
        List<String> xattrNames() {
            byte[] buf = new byte[65536];
            long n;
            try {
                n = Libc.listxattr(procPath(), buf, buf.length);
            } catch (LastErrorException e) {
                throw failure("listxattr", name, e.getErrorCode());
            }
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == 0) {
                    if (i > start) {
                        names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                    }
                    start = i + 1;
                }
            }
            return names;
        }

        /** Where {@code /proc/self/fd/N} leads: the file held, for calls that take a path. */
        String procPath() {
            return "/proc/self/fd/" + fd;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    Libc.close(fd);
                } catch (LastErrorException ignored) {
                    // nothing to flush on a descriptor only read from or held
                }
            }
        }
    }

    /** {@code statx}'s basic fields, and what tells one file from another ({@code ino} on its device, its links). */
    record Stat(int mode, int uid, int gid, long size, long mtimeSeconds, int mtimeNanos, int rdevMajor, int rdevMinor,
                int nlink, long ino, int devMajor, int devMinor) {
        boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }

        boolean isSymbolicLink() {
            return (mode & 0170000) == 0120000;
        }

        boolean isRegularFile() {
            return (mode & 0170000) == 0100000;
        }

        boolean isCharDevice() {
            return (mode & 0170000) == 0020000;
        }

        boolean isBlockDevice() {
            return (mode & 0170000) == 0060000;
        }

        boolean isFifo() {
            return (mode & 0170000) == 0010000;
        }
    }

    /**
     * {@code path} (absolute, in the tree) resolved inside the root, held with {@code O_PATH}. With
     * {@code followLast} false the last component is held as it is (a link as the link); a path
     * ending in {@code /} or {@code /.} is always followed. NOT_FOUND when a component is missing.
     */
    Held resolve(String path, boolean followLast) {
        String p = path.isEmpty() ? "/" : path;
        int slash = p.lastIndexOf('/');
        String last = p.substring(slash + 1);
        if (followLast || last.isEmpty() || last.equals(".") || last.equals("..")) {
            return new Held(openInRoot(p, Libc.O_PATH | Libc.O_CLOEXEC), p);
        }
        try (Held parent = new Held(openInRoot(slash == 0 ? "/" : p.substring(0, slash), Libc.O_PATH | Libc.O_DIRECTORY
                | Libc.O_CLOEXEC), p.substring(0, Math.max(slash, 1)))) {
            return entry(parent, last, p);
        }
    }

    /** The root itself. */
    Held top() {
        return new Held(openInRoot("/", Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC), "/");
    }

    /** The entry {@code name} of a held directory, never followed; NOT_FOUND when missing. */
    static Held entry(Held dir, String name, String shownAs) {
        requireName(name, shownAs);
        try {
            return new Held(Libc.openat(dir.fd, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0), shownAs);
        } catch (LastErrorException e) {
            throw failure("open", shownAs, e.getErrorCode());
        }
    }

    /** The entry {@code name} of a held directory if it is there, else null. */
    static Held entryIfPresent(Held dir, String name, String shownAs) {
        requireName(name, shownAs);
        try {
            return new Held(Libc.openat(dir.fd, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0), shownAs);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ENOENT) {
                return null;
            }
            throw failure("open", shownAs, e.getErrorCode());
        }
    }

    /** The names in a held directory, sorted (not {@code .} and {@code ..}). */
    static List<String> names(Held dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(dir.procPath()))) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + dir.name + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /** Where a held link points, as it says. */
    static String readLink(Held link) {
        byte[] buf = new byte[4097];
        long n;
        try {
            n = Libc.readlinkat(link.fd, "", buf, buf.length);
        } catch (LastErrorException e) {
            throw failure("readlink", link.name, e.getErrorCode());
        }
        return new String(buf, 0, (int) Math.min(n, buf.length), StandardCharsets.UTF_8);
    }

    /** The absolute path in the tree of a held file (where the kernel says it is now, below the root). */
    String pathOf(Held held) {
        try {
            String real = Files.readSymbolicLink(Path.of(held.procPath())).toString();
            String top = Files.readSymbolicLink(Path.of("/proc/self/fd/" + root)).toString();
            if (real.equals(top)) {
                return "/";
            }
            return real.startsWith(top + "/") ? real.substring(top.length()) : held.name;
        } catch (IOException e) {
            return held.name;
        }
    }

    private int openInRoot(String path, int flags) {
        ByteBuffer how = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        how.putLong(0, flags).putLong(8, 0).putLong(16, RESOLVE);
        for (int attempt = 1; ; attempt++) {
            try {
                return (int) Libc.syscall(Libc.SYS_OPENAT2, root, path, how.array(), 24);
            } catch (LastErrorException e) {
                // EAGAIN: a rename raced the resolution; the kernel asks to try again
                if (e.getErrorCode() != Libc.EAGAIN || attempt == 5) {
                    if (e.getErrorCode() == Libc.ENOSYS) {
                        throw new DomainException(DomainException.Kind.FAILED, "copying files in containers needs "
                                + "openat2 (Linux 5.6 or later)");
                    }
                    throw failure("open", path, e.getErrorCode());
                }
            }
        }
    }

    static Stat stat(int fd, String name) {
        byte[] buf = new byte[256];
        try {
            Libc.statx(fd, "", Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, buf);
        } catch (LastErrorException e) {
            throw failure("stat", name, e.getErrorCode());
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        return new Stat(b.getShort(28) & 0xffff, b.getInt(20), b.getInt(24), b.getLong(40), b.getLong(112),
                b.getInt(120), b.getInt(128), b.getInt(132), b.getInt(16), b.getLong(32), b.getInt(136), b.getInt(140));
    }

    private static void requireName(String name, String shownAs) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.indexOf('\0') >= 0) {
            throw DomainException.invalid("not a file name: " + shownAs);
        }
    }

    /**
     * A failed call as the request sees it: NOT_FOUND for a missing path (Docker's words), INVALID for
     * a link or a non-directory in the way, FAILED otherwise.
     */
    static DomainException failure(String what, String where, int errno) {
        return switch (errno) {
            case Libc.ENOENT -> DomainException.notFound("Could not find the file " + where + " in container");
            case Libc.ENOTDIR -> DomainException.invalid(what + " " + where + ": a component of the path is not a directory");
            case Libc.ELOOP -> DomainException.invalid(what + " " + where + ": a symbolic link is in the way (links in an "
                    + "archive's own paths are not followed)");
            case 18 -> DomainException.invalid(what + " " + where + ": the path leaves the container's root filesystem "
                    + "(another mount)");
            default -> new DomainException(DomainException.Kind.FAILED, what + " " + where + ": " + Libc.errnoName(errno));
        };
    }

    interface Call {
        int run() throws LastErrorException;
    }

    static int call(String what, String where, Call call) {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw failure(what, where, e.getErrorCode());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.close(root);
            } catch (LastErrorException ignored) {
                // an O_PATH descriptor has nothing to flush
            }
        }
    }

    /** The host path the tree was opened at, for messages. */
    String hostPath() {
        return hostPath;
    }
}
