package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Options through the real docker CLI: --read-only and --cap-drop are applied; options tally does
 * not apply yet are refused by name, and nothing is created.
 */
class ContainerOptionsIT {

    private static Daemon daemon;

    @BeforeAll
    static void start() throws Exception {
        daemon = new Daemon().start();
        daemon.importBusybox();
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    @Test
    void readOnlyAndCapDropAreApplied() {
        Daemon.Result readOnly = daemon.docker("run", "--rm", "--read-only", "busybox", "touch", "/made");
        assertEquals(1, readOnly.code(), readOnly.err());
        assertTrue(readOnly.err().contains("Read-only file system"), readOnly.err());
        Daemon.Result dropped = daemon.docker("run", "--rm", "--cap-drop", "ALL", "--cap-drop", "chown", "busybox",
                "grep", "CapEff", "/proc/self/status");
        assertEquals("CapEff:\t0000000000000000\n", dropped.out(), dropped.err());
        assertEquals(0, daemon.docker("create", "--name", "hardened", "--read-only", "--cap-drop", "NET_RAW", "busybox",
                "true").code());
        assertEquals("true [CAP_NET_RAW]\n", daemon.docker("inspect", "-f", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}",
                "hardened").out());
        Daemon.Result unknown = daemon.docker("run", "--rm", "--cap-drop", "NET_WIZARD", "busybox", "true");
        assertEquals(125, unknown.code());
        assertTrue(unknown.err().contains("invalid CapDrop: unknown capability: \"CAP_NET_WIZARD\""), unknown.err());
        assertEquals(0, daemon.docker("rm", "hardened").code());
    }

    @Test
    void optionsNotAppliedYetAreRefusedByName() {
        Daemon.Result tmpfs = daemon.docker("run", "--rm", "--tmpfs", "/run", "busybox", "true");
        assertEquals(125, tmpfs.code(), tmpfs.err());
        assertTrue(tmpfs.err().contains("--tmpfs (HostConfig.Tmpfs) is not supported by tally yet"), tmpfs.err());
        Daemon.Result sysctl = daemon.docker("run", "--rm", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "true");
        assertEquals(125, sysctl.code(), sysctl.err());
        assertTrue(sysctl.err().contains("--sysctl (HostConfig.Sysctls) is not supported by tally yet"), sysctl.err());
        Daemon.Result plain = daemon.docker("run", "--rm", "-v", "data:/data", "busybox", "true");
        assertEquals(0, plain.code(), plain.err());
        assertEquals("", daemon.docker("ps", "-aq", "--filter", "ancestor=busybox", "--filter", "status=created").out(),
                "nothing was left behind");
    }
}
