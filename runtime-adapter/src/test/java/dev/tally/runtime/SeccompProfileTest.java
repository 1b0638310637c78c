package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's seccomp format made into the OCI spec's, per container, as dockerd and Podman do. */
class SeccompProfileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SeccompProfile.Arch AMD64 = new SeccompProfile.Arch("SCMP_ARCH_X86_64", "amd64");
    private static final SeccompProfile.Arch ARM64 = new SeccompProfile.Arch("SCMP_ARCH_AARCH64", "arm64");
    private static final SeccompProfile.Kernel KERNEL_6_1 = SeccompProfile.Kernel.parse("6.1.0-28-amd64");

    private static final String PROFILE = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
             "syscalls": [
              {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "args": [], "comment": "", "includes": {}, "excludes": {}},
              {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
               "args": [{"index": 0, "value": 4294967295, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
              {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
              {"names": ["riscv_only"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd64"]}},
              {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
              {"names": ["bpf"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "errno": "EPERM",
               "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
              {"names": ["both"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_BPF"]}},
              {"name": "new_in_6_2", "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.2"}},
              {"names": ["old_enough"], "action": "SCMP_ACT_ALLOW", "args": null, "includes": {"minKernel": "5.8"}}
             ]}""";

    private static Map<String, Object> convert(String profile, List<String> caps, SeccompProfile.Arch arch) throws Exception {
        return SeccompProfile.parse(JSON.readTree(profile)).forContainer(caps, arch, KERNEL_6_1);
    }

    @SuppressWarnings("unchecked")
    private static List<String> allowed(Map<String, Object> seccomp) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> call : (List<Map<String, Object>>) seccomp.get("syscalls")) {
            if (call.get("action").equals("SCMP_ACT_ALLOW")) {
                names.addAll((List<String>) call.get("names"));
            }
        }
        return names;
    }

    @Test
    void theHostsArchitecturesComeFromTheArchMapAndTheDefaultsAreKept() throws Exception {
        Map<String, Object> amd64 = convert(PROFILE, List.of(), AMD64);
        assertEquals("SCMP_ACT_ERRNO", amd64.get("defaultAction"));
        assertEquals(38, amd64.get("defaultErrnoRet"));
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), amd64.get("architectures"));
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), convert(PROFILE, List.of(), ARM64).get("architectures"));
    }

    @Test
    void rulesForOtherArchitecturesAreLeftOut() throws Exception {
        assertTrue(allowed(convert(PROFILE, List.of(), AMD64)).contains("arch_prctl"));
        assertFalse(allowed(convert(PROFILE, List.of(), AMD64)).contains("riscv_only"));
        assertFalse(allowed(convert(PROFILE, List.of(), ARM64)).contains("arch_prctl"));
        assertTrue(allowed(convert(PROFILE, List.of(), ARM64)).contains("riscv_only"));
    }

    @Test
    void aRuleNeedsEveryIncludedCapabilityAndNoExcludedOne() throws Exception {
        Map<String, Object> plain = convert(PROFILE, List.of("CAP_CHOWN"), AMD64);
        assertFalse(allowed(plain).contains("bpf"));
        assertTrue(plain.toString().contains("names=[bpf], action=SCMP_ACT_ERRNO, errnoRet=1}"), plain.toString());
        Map<String, Object> admin = convert(PROFILE, List.of("CAP_CHOWN", "CAP_SYS_ADMIN"), AMD64);
        assertTrue(allowed(admin).contains("bpf"));
        assertFalse(admin.toString().contains("SCMP_ACT_ERRNO, errnoRet=1"), "the EPERM rule is excluded by the cap");
        assertFalse(allowed(admin).contains("both"), "one of two included caps is not enough");
        assertTrue(allowed(convert(PROFILE, List.of("CAP_SYS_ADMIN", "CAP_BPF"), AMD64)).contains("both"));
    }

    @Test
    void rulesForNewerKernelsAreLeftOutAndTheLegacyNameIsRead() throws Exception {
        List<String> on61 = allowed(convert(PROFILE, List.of(), AMD64));
        assertTrue(on61.contains("old_enough"));
        assertFalse(on61.contains("new_in_6_2"));
        Map<String, Object> on62 = SeccompProfile.parse(JSON.readTree(PROFILE)).forContainer(List.of(), AMD64,
                SeccompProfile.Kernel.parse("6.2.1"));
        assertTrue(allowed(on62).contains("new_in_6_2"));
    }

    @Test
    void argumentsKeepTheirComparisonAndCommentsAndErrnoNamesAreDropped() throws Exception {
        String json = JSON.writeValueAsString(convert(PROFILE, List.of(), AMD64));
        assertTrue(json.contains("{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                + "\"value\":4294967295,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]}"), json);
        assertTrue(json.contains("{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}"), json);
        assertFalse(json.contains("comment") || json.contains("\"errno\"") || json.contains("includes"), json);
    }

    @Test
    void whatIsNotAProfileIsNamed() {
        assertEquals("syscalls[0].action: unknown action SCMP_ACT_MAYBE", refusal(
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_MAYBE\"}]}"));
        assertEquals("defaultAction is missing or not a string", refusal("{\"syscalls\":[]}"));
        assertEquals("syscalls[0] has both name and names", refusal("{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                + "\"syscalls\":[{\"name\":\"a\",\"names\":[\"b\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"));
        assertEquals("syscalls[0].args[].value is not a 64-bit unsigned number", refusal("{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                + "\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,"
                + "\"op\":\"SCMP_CMP_EQ\"}]}]}"));
        assertEquals("a profile is a JSON object", refusal("[]"));
    }

    private static String refusal(String profile) {
        return assertThrows(IllegalArgumentException.class, () -> SeccompProfile.parse(JSON.readTree(profile))).getMessage();
    }

    /** Debian's file, which ops/host-packages.sh installs, for a container with Docker's default capabilities. */
    @Test
    void debiansProfileForTheDefaultCapabilities() {
        JsonNode seccomp = new DefaultSeccomp(DefaultSeccomp.DEBIAN_PROFILE, AMD64, KERNEL_6_1)
                .forContainer(OciSpec.DEFAULT_CAPS);
        assertEquals(38, seccomp.path("defaultErrnoRet").asInt());
        List<String> allowed = new ArrayList<>();
        for (JsonNode call : seccomp.path("syscalls")) {
            if (call.path("action").asText().equals("SCMP_ACT_ALLOW") && call.path("args").isMissingNode()) {
                call.path("names").forEach(n -> allowed.add(n.asText()));
            }
        }
        assertTrue(allowed.containsAll(List.of("read", "execve", "clone", "chroot", "arch_prctl", "socket")), allowed.toString());
        assertFalse(allowed.contains("sethostname") || allowed.contains("bpf") || allowed.contains("kexec_load")
                || allowed.contains("open_by_handle_at") || allowed.contains("personality"), allowed.toString());
    }

    @Test
    void aMissingOrBrokenProfileIsNamedAndAChangedOneIsReadAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("seccomp.json");
        DefaultSeccomp seccomp = new DefaultSeccomp(file, AMD64, KERNEL_6_1);
        DomainException missing = assertThrows(DomainException.class, () -> seccomp.forContainer(List.of()));
        assertEquals(DomainException.Kind.FAILED, missing.kind());
        assertTrue(missing.getMessage().startsWith("cannot load the seccomp profile " + file + " (no such file): "),
                missing.getMessage());
        Files.writeString(file, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"]}]}");
        assertTrue(assertThrows(DomainException.class, () -> seccomp.forContainer(List.of())).getMessage()
                .contains("(syscalls[0].action is missing or not a string)"));

        Files.writeString(file, PROFILE);
        JsonNode first = seccomp.forContainer(List.of("CAP_CHOWN"));
        assertSame(first, seccomp.forContainer(List.of("CAP_CHOWN")), "kept while the file is the same");
        Files.writeString(file, PROFILE.replace("\"defaultErrnoRet\": 38", "\"defaultErrnoRet\": 1"));
        JsonNode changed = seccomp.forContainer(List.of("CAP_CHOWN"));
        assertNotSame(first, changed);
        assertEquals(1, changed.path("defaultErrnoRet").asInt());
    }
}
