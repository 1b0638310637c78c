package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Brings up {@code lo} in a container's new network namespace (runc leaves it down). The work is
 * done by a thread of its own that joins the namespace and then ends, so no thread of the daemon
 * is ever left inside a container's network.
 */
final class Loopback {

    private static final int IFREQ_SIZE = 40; // struct ifreq: 16 bytes of name, then the union
    private static final int FLAGS_OFFSET = 16;

    private Loopback() {
    }

    static void up(long pid) {
        AtomicReference<DomainException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                join(pid);
                setUp();
            } catch (LastErrorException e) {
                failure.set(new DomainException(DomainException.Kind.FAILED,
                        "bring up lo in the network of pid " + pid + ": " + Libc.errnoName(e.getErrorCode())));
            }
        }, "tally-loopback");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, "interrupted while setting up the network", e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void join(long pid) {
        int ns = Libc.open("/proc/" + pid + "/ns/net", 0);
        try {
            Libc.setns(ns, Libc.CLONE_NEWNET);
        } finally {
            Libc.close(ns);
        }
    }

    private static void setUp() {
        int sock = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
        try {
            byte[] ifreq = new byte[IFREQ_SIZE];
            byte[] name = "lo".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, ifreq, 0, name.length);
            Libc.ioctl(sock, Libc.SIOCGIFFLAGS, ifreq);
            ifreq[FLAGS_OFFSET] |= Libc.IFF_UP; // short ifr_flags, little-endian
            Libc.ioctl(sock, Libc.SIOCSIFFLAGS, ifreq);
        } finally {
            Libc.close(sock);
        }
    }
}
