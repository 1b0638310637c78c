package dev.tally.runtime.image;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The libc calls that unpacking a layer needs beyond {@code java.nio}: overlay whiteouts (a
 * character device 0/0) and extended attributes, on the path itself, never through a link; and the
 * syncs that make what the store wrote durable (fsync of one file or directory, early writeback of a
 * range). errno is named with the operation and the path.
 */
final class LayerCalls {

    private static final int S_IFCHR = 0020000;
    private static final int ENODATA = 61;

    static {
        Native.register("c");
    }

    private LayerCalls() {
    }

    private static native int mknod(String path, int mode, long dev) throws LastErrorException;

    private static native int lsetxattr(String path, String name, byte[] value, long size, int flags)
            throws LastErrorException;

    private static native long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    private static native int open(String path, int flags) throws LastErrorException;

    private static native int fsync(int fd) throws LastErrorException;

    private static native int syncfs(int fd) throws LastErrorException;

    private static native int sync_file_range(int fd, long offset, long nbytes, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    /** errno of a path that is not there (any more), is no directory, or is a symbolic link (opened without following it). */
    static final int ENOENT = 2;
    static final int ENOTDIR = 20;
    static final int ELOOP = 40;
    private static final int O_RDONLY_CLOEXEC_NOFOLLOW = 02000000 | 0400000;
    private static final int O_DIRECTORY = 0200000;
    private static final int SYNC_FILE_RANGE_WRITE = 2;

    /**
     * fsync(2) of a file or a directory, opened read-only by its path without following a link: its
     * data, its metadata and (for a directory) its entries are on the disk when this returns. The
     * path's errno is in the exception ({@link Errno}).
     */
    static void fsync(Path path, boolean directory) throws IOException {
        int fd = openForSync(path, directory);
        try {
            fsync(fd);
        } catch (LastErrorException e) {
            throw new Errno("fsync " + path, e);
        } finally {
            closeQuietly(fd);
        }
    }

    /** syncfs(2): everything the file system holding {@code dir} has in memory, whoever wrote it, to its disk. */
    static void syncFileSystem(Path dir) throws IOException {
        int fd = openForSync(dir, true);
        try {
            syncfs(fd);
        } catch (LastErrorException e) {
            throw new Errno("syncfs " + dir, e);
        } finally {
            closeQuietly(fd);
        }
    }

    /** A read-only descriptor of {@code path}, for {@link #fsync(Path, boolean)} or {@link #startWriteback}. */
    static int openForSync(Path path, boolean directory) throws IOException {
        try {
            return open(path.toString(), O_RDONLY_CLOEXEC_NOFOLLOW | (directory ? O_DIRECTORY : 0));
        } catch (LastErrorException e) {
            throw new Errno("open " + path + " to sync it", e);
        }
    }

    /**
     * sync_file_range(2) with {@code SYNC_FILE_RANGE_WRITE}: has the disk start writing these bytes of
     * the file, without waiting for them and without committing any metadata (the fsync that follows
     * finds them written or under way). Durability is the fsync's, never this call's.
     */
    static void startWriteback(int fd, long offset, long length) throws IOException {
        try {
            sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE);
        } catch (LastErrorException e) {
            throw new Errno("sync_file_range", e);
        }
    }

    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // a descriptor only read or synced: nothing of its file depends on its close
        }
    }

    /** An I/O failure that keeps its errno. */
    static final class Errno extends IOException {
        private final int code;

        Errno(String what, LastErrorException e) {
            super(what + ": errno " + e.getErrorCode(), e);
            this.code = e.getErrorCode();
        }

        int code() {
            return code;
        }
    }

    /** Makes {@code path} an overlay whiteout: a character device with device number 0/0. */
    static void whiteout(Path path) throws IOException {
        try {
            mknod(path.toString(), S_IFCHR, 0);
        } catch (LastErrorException e) {
            throw new IOException("mknod whiteout " + path + ": errno " + e.getErrorCode(), e);
        }
    }

    static void setXattr(Path path, String name, byte[] value) throws IOException {
        try {
            lsetxattr(path.toString(), name, value, value.length, 0);
        } catch (LastErrorException e) {
            throw new IOException("lsetxattr " + name + " on " + path + ": errno " + e.getErrorCode(), e);
        }
    }

    /** The attribute's value, or null when the file has none of that name. */
    static byte[] getXattr(Path path, String name) throws IOException {
        byte[] buf = new byte[65536];
        try {
            long n = lgetxattr(path.toString(), name, buf, buf.length);
            return java.util.Arrays.copyOf(buf, (int) n);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENODATA) {
                return null;
            }
            throw new IOException("lgetxattr " + name + " on " + path + ": errno " + e.getErrorCode(), e);
        }
    }
}
