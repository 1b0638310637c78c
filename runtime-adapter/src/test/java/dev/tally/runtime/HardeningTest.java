package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerConfig.Hardening;
import dev.tally.domain.container.ContainerConfig.HostAccess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --read-only and --cap-drop, made real by runc, for a container on the host's ids and a remapped one. */
class HardeningTest {

    private static final long CAP_CHOWN = 1L;
    private static final long CAP_NET_BIND_SERVICE = 1L << 10;
    private static RealRunc runc;

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    private static long capEff(HostAccess access, Hardening hardening) throws Exception {
        String id = runc.start(RealRunc.config(List.of("sleep", "60"), List.of(), access, hardening), null);
        return Long.parseUnsignedLong(RealRunc.status(runc.runtime.inspect(id).pid(), "CapEff"), 16);
    }

    @Test
    void aReadOnlyRootRefusesWritesButItsMountsKeepTheirMode(@TempDir Path data) throws Exception {
        String cmd = "touch /made 2>&1; echo written > /data/note && cat /data/note; echo shm > /dev/shm/x && cat /dev/shm/x";
        RealRunc.Output out = runc.run(RealRunc.config(List.of("sh", "-c", cmd),
                List.of(new ContainerConfig.Mount(data.toString(), "/data", false)), HostAccess.NONE,
                new Hardening(true, List.of())), null);
        assertTrue(out.out().startsWith("touch: /made: Read-only file system\n"), out.out() + out.err());
        assertTrue(out.out().endsWith("written\nshm\n"), out.out() + out.err());
        RealRunc.Output writable = runc.run(RealRunc.config(List.of("sh", "-c", "touch /made && echo made"), List.of(),
                HostAccess.NONE, Hardening.NONE), null);
        assertEquals("made\n", writable.out(), writable.err());
    }

    @Test
    void capDropTakesFromTheDefaultsAndCapAddComesAfter() throws Exception {
        assertEquals(CAP_CHOWN, capEff(HostAccess.NONE, Hardening.NONE) & CAP_CHOWN);
        assertEquals(0, capEff(HostAccess.NONE, new Hardening(false, List.of("chown"))) & CAP_CHOWN);
        assertEquals(0, capEff(HostAccess.NONE, new Hardening(false, List.of("ALL"))));
        HostAccess netBind = new HostAccess(false, List.of("NET_BIND_SERVICE"), List.of(), List.of(), "");
        assertEquals(CAP_NET_BIND_SERVICE, capEff(netBind, new Hardening(false, List.of("ALL"))));
    }

    @Test
    void aRemappedContainerIsHardenedToo() throws Exception {
        RealRunc.ensureUserWithSubids("tally-hardening-test");
        String id = runc.start(RealRunc.config(List.of("sleep", "60"), List.of(), HostAccess.NONE,
                new Hardening(true, List.of("ALL"))), "tally-hardening-test");
        assertEquals(0, Long.parseUnsignedLong(RealRunc.status(runc.runtime.inspect(id).pid(), "CapEff"), 16));
    }

    @Test
    void aTmpfsIsWritableUnderAReadOnlyRootAndNoexecUnlessAskedOtherwise() {
        String cmd = "printf '#!/bin/sh\\necho ran\\n' > /run/x && chmod +x /run/x && (/run/x || echo noexec)"
                + " && grep ' /run ' /proc/mounts | cut -d' ' -f3,4";
        ContainerConfig readOnly = new ContainerConfig("busybox", List.of(), List.of("sh", "-c", cmd), List.of(), "", "", "",
                java.util.Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false, HostAccess.NONE,
                new Hardening(true, List.of()), java.util.Map.of("/run", "size=1m"));
        RealRunc.Output out = runc.run(readOnly, null);
        assertTrue(out.out().startsWith("noexec\ntmpfs rw,nosuid,nodev,noexec,"), out.out() + out.err());
        assertTrue(out.out().contains("size=1024k"), out.out());
        ContainerConfig exec = new ContainerConfig("busybox", List.of(), List.of("sh", "-c", cmd), List.of(), "", "", "",
                java.util.Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false, HostAccess.NONE,
                Hardening.NONE, java.util.Map.of("/run", "exec"));
        assertTrue(runc.run(exec, null).out().startsWith("ran\n"));
        ContainerConfig odd = new ContainerConfig("busybox", List.of(), List.of("true"), List.of(), "", "", "",
                java.util.Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false, HostAccess.NONE,
                Hardening.NONE, java.util.Map.of("/run", "size=1m,x;y"));
        DomainException e = assertThrows(DomainException.class, () -> runc.create(odd, null));
        assertEquals("invalid tmpfs option for /run: \"x;y\"", e.getMessage());
    }

    @Test
    void anUnknownCapabilityToDropIsNamed() {
        DomainException e = assertThrows(DomainException.class, () -> runc.create(RealRunc.config(List.of("true"),
                List.of(), HostAccess.NONE, new Hardening(false, List.of("NET_WIZARD"))), null));
        assertEquals("invalid CapDrop: unknown capability: \"NET_WIZARD\"", e.getMessage());
    }
}
