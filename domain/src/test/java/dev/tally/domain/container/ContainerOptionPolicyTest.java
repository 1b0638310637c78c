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

class ContainerOptionPolicyTest {

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
        return ContainerOptionPolicy.firstRefusal(c, List.of(), false, POLICY, HOST).map(ContainerOptionPolicy.Refusal::message);
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
        ContainerConfig c = ContainerOptionPolicy.withRealBindPaths(config(null, null,
                new ContainerConfig.Mount("/srv/shared/link", "/x", true), new ContainerConfig.Mount("vol", "/v", false)), HOST);
        assertEquals(List.of(new ContainerConfig.Mount("/etc", "/x", true), new ContainerConfig.Mount("vol", "/v", false)),
                c.mounts());
    }

    @Test
    void aRootEquivalentOptionTallyDoesNotApplyIsDeniedToUsersAndNotSupportedForAdmins() {
        List<AskedOption> sysctl = List.of(new AskedOption(ContainerOption.SYSCTLS, "", "net.ipv4.ip_forward"));
        ContainerOptionPolicy.Refusal user = ContainerOptionPolicy.firstRefusal(config(null, null), sysctl, false, POLICY, HOST)
                .orElseThrow();
        assertEquals("authorization denied: --sysctl is for tally admins only (asked for net.ipv4.ip_forward)", user.message());
        ContainerOptionPolicy.Refusal admin = ContainerOptionPolicy.firstRefusal(config(null, null), sysctl, true, POLICY, HOST)
                .orElseThrow();
        assertEquals("--sysctl is not supported: HostConfig.Sysctls", admin.message());
    }

    @Test
    void aFieldTallyDoesNotApplyIsRefusedForEveryoneNamingTheField() {
        List<AskedOption> other = List.of(new AskedOption(ContainerOption.OTHER, "HostConfig.StorageOpt"));
        for (boolean admin : new boolean[] {false, true}) {
            ContainerOptionPolicy.Refusal r = ContainerOptionPolicy.firstRefusal(config(null, null), other, admin, POLICY, HOST)
                    .orElseThrow();
            assertEquals(ContainerOption.Decision.NOT_SUPPORTED, r.decision());
            assertEquals("an option tally does not apply is not supported: HostConfig.StorageOpt", r.message());
        }
    }

    @Test
    void fieldsWithNothingToApplyAreNeverRefused() {
        List<AskedOption> clientSide = java.util.Arrays.stream(ContainerOption.values())
                .filter(o -> o.decisionFor(false) == ContainerOption.Decision.NO_EFFECT)
                .map(o -> new AskedOption(o, "")).toList();
        assertEquals(6, clientSide.size());
        assertEquals(Optional.empty(), ContainerOptionPolicy.firstRefusal(config(null, null), clientSide, false, POLICY, HOST));
    }

    @Test
    void everyNetworkModeButTheHostsIsTheLoopbackOnlyNamespaceNone() {
        for (String mode : new String[] {null, "", "default", "bridge", "none", "container:abc", "mynet"}) {
            assertEquals("none", config(null, mode).networkMode(), mode);
        }
        assertEquals("host", config(null, "host").networkMode());
    }

    @Test
    void aDenialComesBeforeAnOptionNotSupported() {
        List<AskedOption> asked = List.of(new AskedOption(ContainerOption.ULIMITS, "nofile=1"),
                new AskedOption(ContainerOption.CGROUP_PARENT, "", "/"));
        assertEquals(ContainerOption.CGROUP_PARENT,
                ContainerOptionPolicy.firstRefusal(config(null, null), asked, false, POLICY, HOST).orElseThrow().option());
        assertEquals(ContainerOption.ULIMITS,
                ContainerOptionPolicy.firstRefusal(config(null, null), asked, true, POLICY, HOST).orElseThrow().option());
    }

    @Test
    void aMountOfAHostPathIsDeniedOutsideThePolicyAndAppliedBelowIt() {
        assertEquals(Optional.of("authorization denied: --mount binding host path / is for tally admins only "
                        + "(users may bind only below /srv/shared)"),
                ContainerOptionPolicy.firstRefusal(config(null, null), List.of(new AskedOption(ContainerOption.MOUNTS_HOST, "/")),
                        false, POLICY, HOST).map(ContainerOptionPolicy.Refusal::message));
        assertEquals(Optional.empty(), ContainerOptionPolicy.firstRefusal(config(null, null),
                List.of(new AskedOption(ContainerOption.MOUNTS_HOST, "/srv/shared/a")), false, POLICY, HOST));
        assertEquals(Optional.empty(), ContainerOptionPolicy.firstRefusal(config(null, null),
                List.of(new AskedOption(ContainerOption.MOUNTS_HOST, "/")), true, POLICY, HOST));
    }

    @Test
    void aBindAskedByMountIsJudgedAsMountAndOneAskedByVAsBinds() {
        ContainerConfig both = config(null, null, new ContainerConfig.Mount("/", "/host", true));
        List<AskedOption> byMount = List.of(new AskedOption(ContainerOption.MOUNTS_HOST, "/"));
        assertEquals(ContainerOption.MOUNTS_HOST,
                ContainerOptionPolicy.firstRefusal(both, byMount, false, POLICY, HOST).orElseThrow().option());
        assertEquals(ContainerOption.BINDS_HOST,
                ContainerOptionPolicy.firstRefusal(both, List.of(), false, POLICY, HOST).orElseThrow().option());
    }

    @Test
    void adminsMayHaveEveryOptionTallyApplies() {
        assertEquals(Optional.empty(), ContainerOptionPolicy.firstRefusal(config(access(true, List.of("SYS_ADMIN"),
                        List.of("/dev/sda:/dev/sda:rwm"), List.of("apparmor=unconfined"), "host"), "host",
                new ContainerConfig.Mount("/", "/host", true)), List.of(), true, POLICY, HOST));
    }
}
