package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts a container runc has created, as {@code runc start} does, without starting runc again:
 * about 8 ms less on every start on a 2-core host, where that runc process was the slowest step
 * after {@code runc create}.
 *
 * <p>runc's init, once the container is set up, opens the FIFO {@code exec.fifo} in the
 * container's state directory for writing (which waits until someone opens it for reading),
 * writes one byte and executes the container's program. {@code runc start} opens the FIFO for
 * reading, reads that byte and removes the FIFO: a container whose FIFO is gone is "running" to
 * runc from then on. This does the same, and, like runc, gives up when the init process died
 * without writing.
 */
final class ExecFifo {

    static final String NAME = "exec.fifo";
    private static final int POLL_SLICE_MILLIS = 100;

    private ExecFifo() {
    }

    /** The FIFO of a container created by runc, in runc's state directory for it. */
    static Path of(Path runcStateDir) {
        return runcStateDir.resolve(NAME);
    }

    /**
     * Lets the container's program run: reads the init's byte from {@code fifo}, then removes it.
     *
     * @param initPid the container's init process, watched while waiting
     * @param limit   how long the init may take to reach the FIFO
     * @throws DomainException FAILED when the init died first, did not come within the limit,
     *                         or the FIFO could not be read or removed
     */
    static void release(Path fifo, long initPid, Duration limit) {
        int fd;
        try {
            fd = Libc.open(fifo.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw failed("open " + fifo + ": " + Libc.errnoName(e.getErrorCode()));
        }
        try {
            awaitByte(fd, initPid, System.nanoTime() + limit.toNanos());
        } finally {
            Libc.close(fd);
        }
        HaltPoints.reach(HaltPoints.START_FIFO_READ);
        remove(fifo);
    }

    /**
     * Removes the FIFO, as {@code runc start} does once it read the byte: to runc the container runs
     * from then on. Idempotent.
     */
    static void remove(Path fifo) {
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw failed("remove " + fifo + ": " + e.getMessage());
        }
    }

    /**
     * Whether the container's init went past the FIFO and runs the container's program: runc's
     * state says "created" as long as the FIFO is there, whether the init still waits to be let go
     * or a daemon killed after it opened the FIFO and before it removed it let it go. Until it
     * executes the program, the init's command line is runc's as runc was run ({@code runc}: the
     * path conmon was given) with the one argument {@code init}. False when that cannot be read:
     * only a program seen running is taken for one.
     */
    static boolean initWentOn(long initPid, String runc) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(initPid), "cmdline"));
            return cmdline.length > 0
                    && !new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).equals(runc + "\0init\0");
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitByte(int fd, long initPid, long deadline) {
        byte[] pollFd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .putInt(fd).putShort(Libc.POLLIN).putShort((short) 0).array();
        while (true) {
            if (readByte(fd)) {
                return;
            }
            // Read first, then look at the init: it may have written, run its program and ended since.
            if (!RuncRuntime.alive(initPid)) {
                if (readByte(fd)) {
                    return;
                }
                throw failed("the container's process " + initPid + " ended before it was started");
            }
            if (System.nanoTime() > deadline) {
                throw failed("the container's process " + initPid + " did not get ready to start");
            }
            try {
                Libc.poll(pollFd, 1, POLL_SLICE_MILLIS);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    throw failed("wait for " + NAME + ": " + Libc.errnoName(e.getErrorCode()));
                }
            }
        }
    }

    /** True once the init's byte was read; false while it has not written yet. */
    private static boolean readByte(int fd) {
        byte[] one = new byte[1];
        try {
            return Libc.read(fd, one, 1) == 1;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                return false;
            }
            throw failed("read " + NAME + ": " + Libc.errnoName(e.getErrorCode()));
        }
    }

    private static DomainException failed(String message) {
        return new DomainException(DomainException.Kind.FAILED, "start the container: " + message);
    }
}
