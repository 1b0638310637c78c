package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An admin's host-access options through the docker CLI, as Docker takes them, made real by the runtime. */
class HostAccessIT {

    @BusyboxDaemon
    private static Daemon daemon;

    private static long capEff(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        }
        throw new AssertionError("no CapEff in " + status);
    }

    @Test
    void capAddNetAdminShowsInTheEffectiveSet() {
        Daemon.Result plain = daemon.docker("run", "--rm", "busybox", "cat", "/proc/self/status");
        Daemon.Result added = daemon.docker("run", "--rm", "--cap-add", "NET_ADMIN", "busybox", "cat", "/proc/self/status");
        assertEquals(0, plain.code(), plain.err());
        assertEquals(0, added.code(), added.err());
        assertEquals(0, capEff(plain.out()) & (1L << 12));
        assertEquals(1L << 12, capEff(added.out()) & (1L << 12));
        String setMtu = "ip link set lo mtu 1000 && cat /sys/class/net/lo/mtu";
        assertNotEquals(0, daemon.docker("run", "--rm", "busybox", "sh", "-c", setMtu).code());
        Daemon.Result netAdmin = daemon.docker("run", "--rm", "--cap-add", "CAP_NET_ADMIN", "busybox", "sh", "-c", setMtu);
        assertEquals("1000\n", netAdmin.out(), netAdmin.err());
    }

    @Test
    void privilegedCanMountATmpfs() {
        String mount = "mkdir -p /m && mount -t tmpfs none /m && echo mounted";
        assertNotEquals(0, daemon.docker("run", "--rm", "busybox", "sh", "-c", mount).code());
        Daemon.Result r = daemon.docker("run", "--rm", "--privileged", "busybox", "sh", "-c", mount);
        assertEquals(0, r.code(), r.err());
        assertEquals("mounted\n", r.out());
    }

    @Test
    void pidHostSeesTheHostsPidOne() throws Exception {
        String hostInit = Files.readString(Path.of("/proc/1/cmdline")).replace('\0', ' ').strip();
        Daemon.Result r = daemon.docker("run", "--rm", "--pid", "host", "busybox", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline");
        assertEquals(0, r.code(), r.err());
        assertEquals(hostInit, r.out().strip());
        Daemon.Result own = daemon.docker("run", "--rm", "busybox", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline");
        assertNotEquals(hostInit, own.out().strip());
    }

    @Test
    void aDeviceIsThereUnderItsNewName() {
        Daemon.Result r = daemon.docker("run", "--rm", "--device", "/dev/null:/dev/mynull", "busybox",
                "sh", "-c", "test -c /dev/mynull && echo x > /dev/mynull && stat -c %t:%T /dev/mynull");
        assertEquals(0, r.code(), r.err());
        assertEquals("1:3\n", r.out());
    }

    @Test
    void securityOptionsTallyCannotHonourAreRefused() {
        Daemon.Result nnp = daemon.docker("run", "--rm", "--security-opt", "no-new-privileges", "busybox",
                "grep", "NoNewPrivs", "/proc/self/status");
        assertEquals(0, nnp.code(), nnp.err());
        assertEquals("NoNewPrivs:\t1\n", nnp.out());
        Daemon.Result label = daemon.docker("run", "--rm", "--security-opt", "label=level:s0", "busybox", "true");
        assertEquals(125, label.code());
        assertTrue(label.err().contains("unsupported --security-opt: label=level:s0"), label.err());
        assertEquals("", daemon.docker("ps", "-aq").out(), "nothing is left of a refused container");
    }
}
