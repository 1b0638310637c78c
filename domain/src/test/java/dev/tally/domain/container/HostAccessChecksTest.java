package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.HostLookup;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HostAccessChecksTest {

    private static final AccessPolicy POLICY = new AccessPolicy(null, null, List.of("/srv/shared"));
    /** A host where /srv/shared/link is a symbolic link to /etc. */
    private static final HostLookup HOST = new HostLookup() {
        @Override
        public OptionalInt uidOf(String user) {
            return OptionalInt.empty();
        }

        @Override
        public String realPath(String path) {
            return path.startsWith("/srv/shared/link") ? "/etc" + path.substring("/srv/shared/link".length()) : path;
        }
    };

    private static ContainerConfig config(ContainerConfig.HostAccess access, String network, ContainerConfig.Mount... mounts) {
        return new ContainerConfig("busybox", null, null, null, null, null, null, Map.of(), false, false,
                List.of(mounts), null, network, false, access);
    }

    private static Optional<String> refusal(ContainerConfig c) {
        return HostAccessChecks.firstRefusal(c, POLICY, HOST).map(HostAccessChecks.Refusal::message);
    }

    private static ContainerConfig.HostAccess access(boolean privileged, List<String> caps, List<String> devices,
                                                     List<String> securityOpt, String pid) {
        return new ContainerConfig.HostAccess(privileged, caps, devices, securityOpt, pid);
    }

    @Test
    void anOrdinaryContainerAsksForNothingOfTheHost() {
        assertEquals(Optional.empty(), refusal(config(null, null,
                new ContainerConfig.Mount("data", "/data", false),
                new ContainerConfig.Mount("/srv/shared/alice", "/shared", true))));
    }

    @Test
    void eachHostRootOptionIsRefusedByItsFlag() {
        assertEquals(Optional.of("authorization denied: --privileged is for tally admins only"),
                refusal(config(access(true, null, null, null, null), null)));
        assertTrue(refusal(config(access(false, List.of("SYS_ADMIN"), null, null, null), null)).orElseThrow()
                .startsWith("authorization denied: --cap-add is for tally admins only (asked for SYS_ADMIN)"));
        assertTrue(refusal(config(access(false, null, List.of("/dev/sda:/dev/sda:rwm"), null, null), null)).orElseThrow()
                .startsWith("authorization denied: --device is for tally admins only"));
        assertTrue(refusal(config(access(false, null, null, List.of("apparmor=unconfined"), null), null)).orElseThrow()
                .startsWith("authorization denied: --security-opt is for tally admins only"));
        assertEquals(Optional.of("authorization denied: --pid host is for tally admins only"),
                refusal(config(access(false, null, null, null, "host"), null)));
        assertEquals(Optional.of("authorization denied: --network host is for tally admins only"),
                refusal(config(null, "host")));
    }

    @Test
    void bindsOutsideTheAllowedPathsAreRefused() {
        assertEquals(Optional.of("authorization denied: binding host path /etc is for tally admins only "
                        + "(users may bind only below /srv/shared)"),
                refusal(config(null, null, new ContainerConfig.Mount("/etc", "/etc", true))));
        assertTrue(refusal(config(null, null, new ContainerConfig.Mount("/srv/shared/../../etc", "/x", true))).isPresent());
    }

    @Test
    void aSymbolicLinkIsJudgedByWhereItLeads() {
        assertEquals(Optional.of("authorization denied: binding host path /srv/shared/link/shadow (really /etc/shadow) "
                        + "is for tally admins only (users may bind only below /srv/shared)"),
                refusal(config(null, null, new ContainerConfig.Mount("/srv/shared/link/shadow", "/x", true))));
    }

    @Test
    void theRecordedBindSourceIsTheRealPathThatWasChecked() {
        ContainerConfig c = HostAccessChecks.withRealBindPaths(config(null, null,
                new ContainerConfig.Mount("/srv/shared/link", "/x", true), new ContainerConfig.Mount("vol", "/v", false)), HOST);
        assertEquals(List.of(new ContainerConfig.Mount("/etc", "/x", true), new ContainerConfig.Mount("vol", "/v", false)),
                c.mounts());
    }
}
