package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * Debian's default seccomp profile on real runc containers: in force for every container, on the
 * host's ids and remapped, and for its execs; off only when an admin asks (seccomp=unconfined,
 * --privileged); never silently off when the profile cannot be read. {@code linux32 -R} calls
 * personality(0x40008), which the kernel allows anyone but the profile does not list (it allows a
 * few personalities only): its default action answers ENOSYS.
 */
class SeccompTest {

    private static final String USER = "alice";
    private static final String PROBE = "grep Seccomp: /proc/self/status; linux32 -R true 2>&1 && echo allowed; true";
    private static final String DENIED_BY_PROFILE = "linux32: personality(0x40008): Function not implemented";
    private static RealRunc runc;

    @BeforeAll
    static void start() throws Exception {
        RealRunc.ensureUserWithSubids(USER);
        runc = new RealRunc();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    private static ContainerConfig probe(HostAccess access) {
        return RealRunc.config(List.of("sh", "-c", PROBE), List.of(), access, ContainerConfig.Limits.NONE);
    }

    private static HostAccess securityOpt(String opt) {
        return new HostAccess(false, List.of(), List.of(), List.of(opt), "");
    }

    @Test
    void everyContainerRunsUnderTheProfileOnTheHostsIdsAndRemapped() {
        RealRunc.Output host = runc.run(probe(HostAccess.NONE), null);
        assertEquals("Seccomp:\t2\n" + DENIED_BY_PROFILE + "\n", host.out(), host.err());
        RealRunc.Output remapped = runc.run(probe(HostAccess.NONE), USER);
        assertEquals("Seccomp:\t2\n" + DENIED_BY_PROFILE + "\n", remapped.out(), remapped.err());
    }

    @Test
    void anExecRunsUnderTheContainersProfile() {
        String id = runc.start(RealRunc.config(List.of("sleep", "60")), USER);
        RealRunc.Output exec = runc.exec(id, "sh", "-c", PROBE);
        assertEquals("Seccomp:\t2\n" + DENIED_BY_PROFILE + "\n", exec.out(), exec.err());
    }

    @Test
    void unconfinedAndPrivilegedRunWithoutAProfile() {
        RealRunc.Output unconfined = runc.run(probe(securityOpt("seccomp=unconfined")), null);
        assertEquals("Seccomp:\t0\nallowed\n", unconfined.out(), unconfined.err());
        RealRunc.Output colon = runc.run(probe(securityOpt("seccomp:unconfined")), null);
        assertTrue(colon.out().startsWith("Seccomp:\t0\n"), colon.out());
        RealRunc.Output privileged = runc.run(probe(new HostAccess(true, List.of(), List.of(), List.of(), "")), null);
        assertTrue(privileged.out().startsWith("Seccomp:\t0\n"), privileged.out());
        RealRunc.Output apparmor = runc.run(probe(securityOpt("apparmor=unconfined")), null);
        assertTrue(apparmor.out().startsWith("Seccomp:\t2\n"), "only seccomp=unconfined lifts it: " + apparmor.out());
    }

    /** sethostname is for CAP_SYS_ADMIN only: the profile answers EPERM without it, as the kernel would. */
    @Test
    void addedCapabilitiesOpenTheSystemCallsTheyGate() {
        ContainerConfig sysAdmin = RealRunc.config(List.of("sh", "-c", "hostname probe && echo renamed"), List.of(),
                new HostAccess(false, List.of("SYS_ADMIN"), List.of(), List.of(), ""), ContainerConfig.Limits.NONE);
        RealRunc.Output out = runc.run(sysAdmin, null);
        assertEquals("renamed\n", out.out(), out.err());
    }

    @Test
    void aContainerDoesNotStartWithoutItsProfile() throws Exception {
        Path missing = runc.root.resolve("no-profile.json");
        try (RealRunc without = new RealRunc(missing)) {
            String id = without.create(probe(HostAccess.NONE), null);
            DomainException e = assertThrows(DomainException.class, () -> without.runtime.start(id));
            assertEquals(DomainException.Kind.FAILED, e.kind());
            assertTrue(e.getMessage().startsWith("cannot load the seccomp profile " + missing + " (no such file)"),
                    e.getMessage());
            assertFalse(without.runtime.inspect(id).running());
            Files.writeString(missing, "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
            RealRunc.Output later = without.run(probe(HostAccess.NONE), null);
            assertTrue(later.out().startsWith("Seccomp:\t2\n"), "the profile, once there, is read: " + later.out());
            String unconfined = without.create(probe(securityOpt("seccomp=unconfined")), null);
            Files.delete(missing);
            without.runtime.start(unconfined);
        }
    }
}
