package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerConfig.HostAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An admin's --privileged, --cap-add, --device, --security-opt and --pid host, made real by runc. */
class HostAccessTest {

    private static final long CAP_NET_ADMIN = 1L << 12;
    private static RealRunc runc;

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    private static ContainerConfig with(HostAccess access, String... cmd) {
        return RealRunc.config(List.of(cmd), List.of(), access, ContainerConfig.Limits.NONE);
    }

    private static HostAccess capAdd(String... caps) {
        return new HostAccess(false, List.of(caps), List.of(), List.of(), "");
    }

    private static long capEff(HostAccess access) throws Exception {
        String id = runc.start(with(access, "sleep", "60"), null);
        return Long.parseUnsignedLong(RealRunc.status(runc.runtime.inspect(id).pid(), "CapEff"), 16);
    }

    @Test
    void capAddGivesTheCapabilityByEitherName() throws Exception {
        assertEquals(0, capEff(HostAccess.NONE) & CAP_NET_ADMIN);
        assertEquals(CAP_NET_ADMIN, capEff(capAdd("NET_ADMIN")) & CAP_NET_ADMIN);
        assertEquals(CAP_NET_ADMIN, capEff(capAdd("cap_net_admin")) & CAP_NET_ADMIN);
    }

    @Test
    void capAddAllAndPrivilegedGiveEverythingTheDaemonHas() throws Exception {
        long daemon = Long.parseUnsignedLong(RealRunc.status(ProcessHandle.current().pid(), "CapBnd"), 16);
        assertEquals(daemon, capEff(capAdd("ALL")));
        assertEquals(daemon, capEff(new HostAccess(true, List.of(), List.of(), List.of(), "")));
    }

    @Test
    void anUnknownCapabilityIsNamed() {
        DomainException e = assertThrows(DomainException.class, () -> runc.create(with(capAdd("NET_WIZARD"), "true"), null));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("invalid CapAdd: unknown capability: \"NET_WIZARD\"", e.getMessage());
    }

    @Test
    void privilegedCanMountAndSeesTheHostsDevices() {
        String cmd = "mkdir -p /m && mount -t tmpfs none /m && echo mounted && test -b /dev/loop0 && echo devices"
                + " && grep -c ' /proc/kcore ' /proc/mounts";
        RealRunc.Output confined = runc.run(with(HostAccess.NONE, "sh", "-c", cmd), null);
        assertNotEquals(0, confined.code(), confined.out());
        RealRunc.Output privileged = runc.run(with(new HostAccess(true, List.of(), List.of(), List.of(), ""),
                "sh", "-c", cmd), null);
        assertEquals("mounted\ndevices\n0\n", privileged.out(), "nothing masked either: " + privileged.err());
    }

    @Test
    void pidHostSeesTheHostsFirstProcess() throws Exception {
        String hostInit = Files.readString(Path.of("/proc/1/cmdline")).replace('\0', ' ').strip();
        HostAccess pidHost = new HostAccess(false, List.of(), List.of(), List.of(), "host");
        RealRunc.Output shared = runc.run(with(pidHost, "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"), null);
        assertEquals(hostInit, shared.out().strip(), shared.err());
        RealRunc.Output own = runc.run(with(HostAccess.NONE, "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"), null);
        assertTrue(own.out().startsWith("tr "), "in its own namespace pid 1 is the container's (sh exec'd tr): " + own.out());
    }

    @Test
    void hostNetworkShowsTheHostsInterfacesInItsSysfs() throws Exception {
        ContainerConfig hostNet = new ContainerConfig("busybox", List.of(), List.of("ls", "/sys/class/net"), List.of(),
                "", "", "", java.util.Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "host", false,
                HostAccess.NONE);
        RealRunc.Output r = runc.run(hostNet, null);
        assertEquals(0, r.code(), r.err());
        List<String> onHost;
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            onHost = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(onHost, List.of(r.out().strip().split("\\s+")));
    }

    @Test
    void aDeviceAppearsWhereAskedAndWorks() {
        HostAccess device = new HostAccess(false, List.of(), List.of("/dev/null:/dev/mynull:rwm"), List.of(), "");
        RealRunc.Output r = runc.run(with(device, "sh", "-c", "test -c /dev/mynull && echo gone > /dev/mynull && stat -c '%t:%T' /dev/mynull"), null);
        assertEquals("1:3\n", r.out(), r.err());
        // /dev/null is allowed to every container anyway: the perms are tried on a device that is not
        String open = "head -c 0 /dev/myloop && echo read; : > /dev/myloop && echo write";
        RealRunc.Output readOnly = runc.run(with(new HostAccess(false, List.of(), List.of("/dev/loop0:/dev/myloop:r"),
                List.of(), ""), "sh", "-c", open), null);
        assertEquals("read\n", readOnly.out(), "the cgroup rule holds the perms, r only: " + readOnly.err());
        RealRunc.Output readWrite = runc.run(with(new HostAccess(false, List.of(), List.of("/dev/loop0:/dev/myloop:rw"),
                List.of(), ""), "sh", "-c", open), null);
        assertEquals("read\nwrite\n", readWrite.out(), readWrite.err());
    }

    @Test
    void aMissingDeviceIsNamed() {
        HostAccess device = new HostAccess(false, List.of(), List.of("/dev/tally-none:/dev/x:rwm"), List.of(), "");
        DomainException e = assertThrows(DomainException.class, () -> runc.create(with(device, "true"), null));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("/dev/tally-none"), e.getMessage());
    }

    @Test
    void noNewPrivilegesIsSetAndUnconfinedProfilesAreAccepted() {
        HostAccess nnp = new HostAccess(false, List.of(), List.of(),
                List.of("no-new-privileges:true", "seccomp=unconfined", "apparmor=unconfined"), "");
        RealRunc.Output r = runc.run(with(nnp, "grep", "NoNewPrivs", "/proc/self/status"), null);
        assertEquals("NoNewPrivs:\t1\n", r.out(), r.err());
        RealRunc.Output off = runc.run(with(HostAccess.NONE, "grep", "NoNewPrivs", "/proc/self/status"), null);
        assertEquals("NoNewPrivs:\t0\n", off.out(), off.err());
    }

    @Test
    void aSecurityOptTallyCannotHonourIsRefusedByName() {
        HostAccess profile = new HostAccess(false, List.of(), List.of(), List.of("seccomp=/etc/profile.json"), "");
        DomainException e = assertThrows(DomainException.class, () -> runc.create(with(profile, "true"), null));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().startsWith("unsupported --security-opt: seccomp=/etc/profile.json"), e.getMessage());
    }
}
