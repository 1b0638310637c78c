package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A pseudo-terminal pair made by the daemon: the master stays here (read for output, written
 * for input, resized), the slave is named by path for a child to open as its terminal. It is
 * raw from the start: it only relays a terminal inside the container, which does the line
 * discipline, and a child that would make it raw itself could be late for the first output. The
 * daemon holds a slave descriptor of its own (opened without becoming its controlling
 * terminal) until {@link #releaseSlave()}, so that the master reads to the end only after the
 * child and the daemon both let go.
 */
final class PseudoTerminal {

    private final int master;
    private final String slavePath;
    private int slave;
    private boolean masterClosed;

    private PseudoTerminal(int master, String slavePath, int slave) {
        this.master = master;
        this.slavePath = slavePath;
        this.slave = slave;
    }

    static PseudoTerminal open() {
        int master;
        try {
            master = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw failure("posix_openpt", e);
        }
        try {
            Libc.grantpt(master);
            Libc.unlockpt(master);
            byte[] name = new byte[128];
            Libc.ptsname_r(master, name, name.length);
            int length = 0;
            while (length < name.length && name[length] != 0) {
                length++;
            }
            String path = new String(name, 0, length, StandardCharsets.US_ASCII);
            int slave = Libc.open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            try {
                byte[] termios = new byte[128];
                Libc.tcgetattr(slave, termios);
                Libc.cfmakeraw(termios);
                Libc.tcsetattr(slave, Libc.TCSANOW, termios);
            } catch (LastErrorException e) {
                Libc.close(slave);
                throw e;
            }
            return new PseudoTerminal(master, path, slave);
        } catch (LastErrorException e) {
            Libc.close(master);
            throw failure("open the slave of a pseudo-terminal", e);
        }
    }

    /** The slave's path, e.g. {@code /dev/pts/3}. */
    String slavePath() {
        return slavePath;
    }

    /** Sets the terminal's size; the session's foreground process is told by SIGWINCH. */
    synchronized void resize(int rows, int columns) {
        if (masterClosed || rows <= 0 || columns <= 0 || rows > 0xffff || columns > 0xffff) {
            return;
        }
        byte[] winsize = {(byte) rows, (byte) (rows >> 8), (byte) columns, (byte) (columns >> 8), 0, 0, 0, 0};
        try {
            Libc.ioctl(master, Libc.TIOCSWINSZ, winsize);
        } catch (LastErrorException e) {
            throw failure("resize " + slavePath, e);
        }
    }

    /** Closes the daemon's own slave descriptor: the master reads to its end once the child closed its own. */
    synchronized void releaseSlave() {
        if (slave >= 0) {
            Libc.close(slave);
            slave = -1;
        }
    }

    /** The terminal's output; reading ends when no slave is open any more; closing it closes the master. */
    InputStream output() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                byte[] chunk = offset == 0 ? buffer : new byte[length];
                while (true) {
                    long n;
                    try {
                        n = Libc.read(master, chunk, length);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == Libc.EINTR) {
                            continue;
                        }
                        if (e.getErrorCode() == Libc.EIO) {
                            return -1; // every slave descriptor is closed
                        }
                        throw new IOException("read " + slavePath + "'s master: " + Libc.errnoName(e.getErrorCode()));
                    }
                    if (n <= 0) {
                        return -1;
                    }
                    if (chunk != buffer) {
                        System.arraycopy(chunk, 0, buffer, offset, (int) n);
                    }
                    return (int) n;
                }
            }

            @Override
            public void close() {
                PseudoTerminal.this.close();
            }
        };
    }

    /** The terminal's input: what a user types. Closing it leaves the terminal open. */
    OutputStream input() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                byte[] rest = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
                while (rest.length > 0) {
                    long n;
                    try {
                        n = Libc.write(master, rest, rest.length);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == Libc.EINTR) {
                            continue;
                        }
                        throw new IOException("write " + slavePath + "'s master: " + Libc.errnoName(e.getErrorCode()));
                    }
                    rest = java.util.Arrays.copyOfRange(rest, (int) n, rest.length);
                }
            }
        };
    }

    /** Closes both ends held here. */
    synchronized void close() {
        releaseSlave();
        if (!masterClosed) {
            masterClosed = true;
            Libc.close(master);
        }
    }

    private static DomainException failure(String attempted, LastErrorException e) {
        return new DomainException(DomainException.Kind.FAILED, attempted + ": " + Libc.errnoName(e.getErrorCode()));
    }
}
