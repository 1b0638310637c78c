package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file on the host held by an {@code O_PATH} descriptor: what was checked is what is used, however
 * the path that led to it changes afterwards. Made only without following symbolic links, so a path
 * a user can rewrite (their directory below a bind path, a remapped container's upper directory) can
 * never lead the daemon, which runs as root, somewhere else. Every failure is a {@link Refused}
 * (FAILED) naming the operation, the path and the errno, or INVALID for a path that is not normal.
 * Not thread-safe: one owner closes it.
 */
final class HostFd implements AutoCloseable {

    /** A refused or failed call, with its errno (ELOOP: a symbolic link was in the way). */
    static final class Refused extends DomainException {
        final int errno;

        Refused(String message, int errno) {
            super(Kind.FAILED, message);
            this.errno = errno;
        }
    }

    /** How a whole path is resolved: openat2 where the kernel has it (5.6+), else component by component. */
    enum Walk { OPENAT2, COMPONENTS }

    private static volatile Walk preferred = Walk.OPENAT2;

    private final int fd;
    private final String path;
    private boolean closed;

    private HostFd(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * The file at this absolute path, with no symbolic link in any component (the last included):
     * ELOOP if there is one. The path must be normal (no {@code .}, {@code ..}, empty components):
     * INVALID otherwise.
     */
    static HostFd open(String absolutePath) {
        List<String> names = components(absolutePath);
        if (preferred == Walk.OPENAT2) {
            try {
                return openat2(absolutePath);
            } catch (Refused e) {
                if (e.errno != Libc.ENOSYS) {
                    throw e;
                }
                preferred = Walk.COMPONENTS;
            }
        }
        return open(names, absolutePath);
    }

    /** As {@link #open(String)}, resolving the given way (for tests of each way). */
    static HostFd open(String absolutePath, Walk walk) {
        List<String> names = components(absolutePath);
        return walk == Walk.OPENAT2 ? openat2(absolutePath) : open(names, absolutePath);
    }

    private static HostFd openat2(String absolutePath) {
        ByteBuffer how = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        how.putLong(0, Libc.O_PATH | Libc.O_CLOEXEC).putLong(8, 0)
                .putLong(16, Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS);
        for (int attempt = 1; ; attempt++) {
            try {
                int fd = (int) Libc.syscall(Libc.SYS_OPENAT2, Libc.AT_FDCWD, absolutePath, how.array(), 24);
                return new HostFd(fd, absolutePath);
            } catch (LastErrorException e) {
                // EAGAIN: a rename raced the resolution; the kernel asks to try again
                if (e.getErrorCode() != Libc.EAGAIN || attempt == 5) {
                    throw refused("open", absolutePath, e.getErrorCode());
                }
            }
        }
    }

    private static HostFd open(List<String> names, String absolutePath) {
        HostFd at = new HostFd(call("open", "/", () -> Libc.open("/", Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC)), "/");
        for (String name : names) {
            try (HostFd parent = at) {
                at = parent.entry(name);
                if (at.stat().isSymbolicLink()) {
                    at.close();
                    throw refused("open", absolutePath, Libc.ELOOP);
                }
            }
        }
        return at;
    }

    /**
     * A directory whose path only root can change (the data root, and root's own directories below
     * it), opened as the path says: an administrator may have put a link in the data root's path.
     */
    static HostFd trusted(Path directory) {
        String where = directory.toAbsolutePath().toString();
        return new HostFd(call("open", where, () -> Libc.open(where, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC)),
                where);
    }

    /**
     * The entry of this directory with this name (one component), whatever it is: a symbolic link is
     * held as the link itself, never followed.
     */
    HostFd entry(String name) {
        requireName(name);
        String where = child(name);
        return new HostFd(call("open", where, () -> Libc.openat(fd, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0)),
                where);
    }

    /**
     * This directory's subdirectory {@code name}, made if missing (mode {@code mode}, then owned like
     * this directory: what the daemon makes in a user's directory is that user's). A symbolic link
     * or a file there is refused (ELOOP, ENOTDIR).
     */
    HostFd directory(String name, int mode) {
        requireName(name);
        String where = child(name);
        try {
            Libc.mkdirat(fd, name, mode);
            Stat here = stat();
            try (HostFd made = entry(name)) {
                Stat s = made.stat();
                if (s.isDirectory() && s.uid() == 0 && (here.uid() != 0 || here.gid() != 0)) {
                    made.chown(here.uid(), here.gid());
                }
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Libc.EEXIST) {
                throw refused("mkdir", where, e.getErrorCode());
            }
        }
        HostFd dir = entry(name);
        Stat s = dir.stat();
        if (!s.isDirectory()) {
            dir.close();
            throw refused("open directory", where, s.isSymbolicLink() ? Libc.ELOOP : 20);
        }
        return dir;
    }

    /** The names in this directory (not {@code .} and {@code ..}). */
    List<String> names() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(procPath()))) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + path + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Type, mode and owner of the file held (of the link itself, for a link). */
    Stat stat() {
        byte[] buf = new byte[256];
        call("stat", path, () -> Libc.statx(fd, "", Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW,
                Libc.STATX_BASIC_STATS, buf));
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        return new Stat(b.getShort(28) & 0xffff, b.getInt(20), b.getInt(24));
    }

    /** Type, inode, device and size of the file held (of the link itself, for a link), as one statx reads them. */
    Usage usage() {
        byte[] buf = new byte[256];
        call("stat", path, () -> Libc.statx(fd, "", Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW,
                Libc.STATX_BASIC_STATS, buf));
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        return new Usage(b.getShort(28) & 0xffff, b.getLong(32), ((long) b.getInt(136) << 32) | (b.getInt(140) & 0xffffffffL),
                b.getLong(40));
    }

    /** What {@link #usage()} reads: {@code st_mode}, the inode and device that name the file, its size in bytes. */
    record Usage(int mode, long inode, long device, long size) {
        boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }

        boolean isRegularFile() {
            return (mode & 0170000) == 0100000;
        }
    }

    /** Changes the owner of the file held (of the link itself, for a link). */
    void chown(int uid, int gid) {
        call("chown", path, () -> Libc.fchownat(fd, "", uid, gid, Libc.AT_EMPTY_PATH));
    }

    /** Changes the mode of the file held; never of a link (INVALID), which has none of its own. */
    void chmod(int mode) {
        if (stat().isSymbolicLink()) {
            throw DomainException.invalid("chmod " + path + ": a symbolic link has no mode of its own");
        }
        try {
            Files.setAttribute(Path.of(procPath()), "unix:mode", mode);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "chmod " + path + ": " + e.getMessage(), e);
        }
    }

    /** A path the kernel resolves to exactly the file held, for calls that take a path (mount). */
    String procPath() {
        return "/proc/self/fd/" + fd;
    }

    /** The path this was opened by, for messages. */
    String path() {
        return path;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // an O_PATH descriptor has nothing to flush
            }
        }
    }

    /** The type bits and permissions of {@code st_mode}, and the owner. */
    record Stat(int mode, int uid, int gid) {
        boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }

        boolean isSymbolicLink() {
            return (mode & 0170000) == 0120000;
        }

        boolean isRegularFile() {
            return (mode & 0170000) == 0100000;
        }
    }

    private String child(String name) {
        return path.endsWith("/") ? path + name : path + "/" + name;
    }

    private static void requireName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            throw DomainException.invalid("not a file name: " + name);
        }
    }

    /** The names of a normal absolute path; INVALID for any other. */
    static List<String> components(String absolutePath) {
        if (absolutePath == null || !absolutePath.startsWith("/")) {
            throw DomainException.invalid("a host path must be absolute: " + absolutePath);
        }
        List<String> names = new ArrayList<>();
        for (String name : absolutePath.substring(1).split("/", -1)) {
            if (name.isEmpty() && absolutePath.length() == 1) {
                break;
            }
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw DomainException.invalid("a host path must be normal (no ., .. or //): " + absolutePath);
            }
            names.add(name);
        }
        return names;
    }

    private interface Call {
        int run() throws LastErrorException;
    }

    private static int call(String what, String where, Call call) {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw refused(what, where, e.getErrorCode());
        }
    }

    private static Refused refused(String what, String where, int errno) {
        String why = errno == Libc.ELOOP ? " (a symbolic link is in the way: refusing to follow it)" : "";
        return new Refused(what + " " + where + ": " + Libc.errnoName(errno) + why, errno);
    }
}
