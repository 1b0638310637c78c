package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.AttachStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * conmon's attach socket: a Unix SOCK_SEQPACKET socket (which the JDK cannot open). Each message
 * from conmon is one byte naming the stream (2 stdout, 3 stderr) and then the bytes; what we write
 * goes to the container's stdin as it is.
 */
final class ConmonAttachSocket implements AttachStream {

    private static final int BUFFER = 8192 + 1;
    private final int fd;
    private volatile boolean closed;
    /** Calls in the descriptor now (a read and a write may run at once, from two threads). */
    private int users;
    private boolean released;

    private ConmonAttachSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Connects when the container's conmon listens: from its start's create, before the process
     * runs, until it ends; empty when none listens (no socket, or a socket its conmon left).
     * Connects through {@code /proc/self/fd/<dir>/<name>}: a socket path is limited to 107 bytes, and
     * a data root under a long directory would pass that.
     */
    static Optional<ConmonAttachSocket> connectIfListening(Path path) {
        int dir;
        try {
            dir = Libc.open(path.getParent().toString(), Libc.O_PATH | Libc.O_DIRECTORY);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ENOENT) {
                return Optional.empty();
            }
            throw new DomainException(DomainException.Kind.FAILED, "open " + path.getParent() + ": "
                    + Libc.errnoName(e.getErrorCode()));
        }
        try {
            byte[] name = ("/proc/self/fd/" + dir + "/" + path.getFileName()).getBytes(StandardCharsets.UTF_8);
            byte[] address = new byte[2 + 108];
            address[0] = (byte) Libc.AF_UNIX; // sa_family_t, little-endian
            System.arraycopy(name, 0, address, 2, name.length);
            int fd;
            try {
                fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET, 0);
            } catch (LastErrorException e) {
                throw new DomainException(DomainException.Kind.FAILED, "socket for " + path + ": "
                        + Libc.errnoName(e.getErrorCode()));
            }
            try {
                Libc.connect(fd, address, 2 + name.length + 1);
            } catch (LastErrorException e) {
                Libc.close(fd);
                if (e.getErrorCode() == Libc.ENOENT || e.getErrorCode() == Libc.ECONNREFUSED) {
                    return Optional.empty();
                }
                throw new DomainException(DomainException.Kind.FAILED, "connect " + path + ": "
                        + Libc.errnoName(e.getErrorCode()));
            }
            return Optional.of(new ConmonAttachSocket(fd));
        } finally {
            Libc.close(dir);
        }
    }

    /** Connects to a conmon that listens; FAILED when none does. */
    static ConmonAttachSocket connect(Path path) {
        return connectIfListening(path).orElseThrow(() -> new DomainException(DomainException.Kind.FAILED,
                "connect " + path + ": no monitor listens"));
    }

    @Override
    public Chunk read() {
        if (!enter()) {
            return null;
        }
        try {
            byte[] buf = new byte[BUFFER];
            while (!closed) {
                long n;
                try {
                    n = Libc.read(fd, buf, buf.length);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == 4) { // EINTR
                        continue;
                    }
                    return null;
                }
                if (n <= 0) {
                    return null;
                }
                if (n == 1) {
                    continue;
                }
                return new Chunk(buf[0] == 3 ? 2 : 1, Arrays.copyOfRange(buf, 1, (int) n));
            }
            return null;
        } finally {
            exit();
        }
    }

    @Override
    public void write(byte[] bytes) {
        if (!enter()) {
            return;
        }
        try {
            int off = 0;
            while (off < bytes.length && !closed) {
                int len = Math.min(BUFFER - 1, bytes.length - off);
                byte[] part = Arrays.copyOfRange(bytes, off, off + len);
                try {
                    off += (int) Libc.write(fd, part, part.length);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == 4) { // EINTR
                        continue;
                    }
                    return; // the container no longer takes input
                }
            }
        } finally {
            exit();
        }
    }

    @Override
    public void closeStdin() {
        if (!enter()) {
            return;
        }
        try {
            Libc.shutdown(fd, Libc.SHUT_WR);
        } catch (LastErrorException ignored) {
            // already gone
        } finally {
            exit();
        }
    }

    /**
     * Shuts the socket both ways, which ends a read or write under way in another thread; the
     * descriptor itself is closed once no call uses it, so that none reaches another file that
     * has taken its number.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.shutdown(fd, 2);
            } catch (LastErrorException ignored) {
                // not connected any more
            }
            release();
        }
    }

    private synchronized boolean enter() {
        if (closed) {
            return false;
        }
        users++;
        return true;
    }

    private synchronized void exit() {
        users--;
        release();
    }

    private void release() {
        if (closed && users == 0 && !released) {
            released = true;
            Libc.close(fd);
        }
    }
}
