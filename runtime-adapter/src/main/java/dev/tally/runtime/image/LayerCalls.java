package dev.tally.runtime.image;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The libc calls that unpacking a layer needs beyond {@code java.nio}: overlay whiteouts (a
 * character device 0/0) and extended attributes, on the path itself, never through a link.
 * errno is named with the operation and the path.
 */
final class LayerCalls {

    private static final int S_IFCHR = 0020000;
    private static final int ENODATA = 61;
    private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0200000 | 02000000;

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

    private static native int syncfs(int fd) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    /**
     * Writes everything the file system holding {@code dir} has in memory to its disk (syncfs(2)):
     * one call makes a whole unpacked layer durable, where an fsync per file would commit the
     * journal once per file.
     */
    static void syncFileSystem(Path dir) throws IOException {
        int fd;
        try {
            fd = open(dir.toString(), O_RDONLY_DIRECTORY_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("open " + dir + " to sync its file system: errno " + e.getErrorCode(), e);
        }
        try {
            syncfs(fd);
        } catch (LastErrorException e) {
            throw new IOException("syncfs " + dir + ": errno " + e.getErrorCode(), e);
        } finally {
            close(fd);
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
