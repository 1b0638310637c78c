package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/** The few libc calls tally needs, mapped directly; errno comes back as LastErrorException. */
final class Libc {

    static final int MS_RDONLY = 1;
    static final int MS_BIND = 4096;
    static final int MS_REC = 16384;
    static final int MNT_DETACH = 2;

    static {
        Native.register("c");
    }

    private Libc() {
    }

    static native int mount(String source, String target, String fstype, long flags, String data)
            throws LastErrorException;

    static native int umount2(String target, int flags) throws LastErrorException;

    /**
     * {@code struct statfs} is 120 bytes on 64-bit Linux and starts with {@code f_type}, a long; the
     * buffers passed are larger.
     */
    static native int statfs(String path, byte[] buffer) throws LastErrorException;

    static final int ENODATA = 61;

    /** An extended attribute of what {@code path} leads to (followed: for {@code /proc/self/fd/N}). */
    static native long getxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    /** The attribute names of what {@code path} leads to, each ended by a NUL (followed, as getxattr). */
    static native long listxattr(String path, byte[] list, long size) throws LastErrorException;

    /** Sets an extended attribute of what {@code path} leads to (followed: for {@code /proc/self/fd/N}). */
    static native int setxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;

    static final int AF_UNIX = 1;
    static final int SOCK_SEQPACKET = 5;
    static final int SHUT_WR = 1;

    static final int O_DIRECTORY = 0200000;
    static final int O_PATH = 010000000;

    static native int open(String path, int flags) throws LastErrorException;

    static final int CLONE_NEWNET = 0x40000000;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final short IFF_UP = 1;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int connect(int fd, byte[] address, int length) throws LastErrorException;

    static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0400;
    static final int O_CLOEXEC = 02000000;
    static final long TIOCSWINSZ = 0x5414;
    static final int EINTR = 4;
    static final int EIO = 5;

    static native int posix_openpt(int flags) throws LastErrorException;

    static native int grantpt(int fd) throws LastErrorException;

    static native int unlockpt(int fd) throws LastErrorException;

    static native int ptsname_r(int fd, byte[] buffer, long length) throws LastErrorException;

    static final int TCSANOW = 0;

    /** {@code struct termios} is 60 bytes on Linux; the buffers passed are larger. */
    static native int tcgetattr(int fd, byte[] termios) throws LastErrorException;

    static native void cfmakeraw(byte[] termios);

    static native int tcsetattr(int fd, int when, byte[] termios) throws LastErrorException;

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 04000;
    static final short POLLIN = 1;
    static final int EAGAIN = 11;

    /** {@code fds} holds struct pollfd entries: int fd, short events, short revents (native byte order). */
    static native int poll(byte[] fds, long count, int timeoutMillis) throws LastErrorException;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int MS_PRIVATE = 1 << 18;
    static final int ENOENT = 2;
    static final int EEXIST = 17;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int ECONNREFUSED = 111;

    /** openat2(2)'s number, the same on every architecture; {@code how} is a {@code struct open_how}. */
    static final long SYS_OPENAT2 = 437;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;

    static native long syscall(long number, long dirfd, String path, byte[] how, long size) throws LastErrorException;

    static native int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;

    static native int mkdirat(int dirfd, String path, int mode) throws LastErrorException;

    static native int fchownat(int dirfd, String path, int uid, int gid, int flags) throws LastErrorException;

    static final int STATX_BASIC_STATS = 0x7ff;

    /** {@code statx} fills a 256-byte {@code struct statx}, laid out alike on every architecture. */
    static native int statx(int dirfd, String path, int flags, int mask, byte[] statx) throws LastErrorException;

    static final long RESOLVE_NO_XDEV = 0x01;
    static final long RESOLVE_IN_ROOT = 0x10;
    static final int O_WRONLY = 1;
    static final int AT_REMOVEDIR = 0x200;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;

    static native long readlinkat(int dirfd, String path, byte[] buffer, long size) throws LastErrorException;

    static native int symlinkat(String target, int newdirfd, String linkpath) throws LastErrorException;

    static native int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags)
            throws LastErrorException;

    static native int mknodat(int dirfd, String path, int mode, long dev) throws LastErrorException;

    static native int unlinkat(int dirfd, String path, int flags) throws LastErrorException;

    static native int fchmod(int fd, int mode) throws LastErrorException;

    /** {@code times}: two {@code struct timespec} (seconds, nanoseconds), access then modification. */
    static native int utimensat(int dirfd, String path, long[] times, int flags) throws LastErrorException;

    /** The name of an errno value, as the kernel headers spell it where we know it. */
    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 20 -> "ENOTDIR";
            case 22 -> "EINVAL";
            case 21 -> "EISDIR";
            case 28 -> "ENOSPC";
            case 38 -> "ENOSYS";
            case 39 -> "ENOTEMPTY";
            case 40 -> "ELOOP";
            case 111 -> "ECONNREFUSED";
            default -> "errno " + errno;
        };
    }
}
