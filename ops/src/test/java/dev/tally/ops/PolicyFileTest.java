package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.access.AccessPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansTheDefaults() {
        assertEquals(AccessPolicy.defaults(), PolicyFile.load(dir.resolve("none.json")));
    }

    @Test
    void everyKeyIsRead() throws IOException {
        Path f = Files.writeString(dir.resolve("p.json"),
                "{\"admins\":[\"carol\"],\"adminGroups\":[\"ops\"],\"allowedBindPaths\":[\"/srv/shared\"],"
                        + "\"tlsUsers\":{\"alice\":\"alice\",\"ci.example.org\":\"ci\",\"ops-root\":\"root\"},"
                        + "\"pullRegistries\":[\"docker.io\",\"registry.example:5000\"],"
                        + "\"pushRegistries\":[\"registry.example:5000\"]}");
        AccessPolicy p = PolicyFile.load(f);
        assertEquals(Set.of("carol"), p.adminUsers());
        assertEquals(Set.of("ops"), p.adminGroups());
        assertEquals(List.of("/srv/shared"), p.allowedBindPaths());
        assertEquals(Map.of("alice", "alice", "ci.example.org", "ci", "ops-root", "root"), p.tlsUsers());
        assertEquals(Set.of("docker.io", "registry.example:5000"), p.pullRegistries());
        assertEquals(Set.of("registry.example:5000"), p.pushRegistries());
    }

    @Test
    void withoutTlsUsersNoCertificateIsAnyone() {
        assertEquals(Map.of(), PolicyFile.load(dir.resolve("none.json")).tlsUsers());
    }

    @Test
    void malformedPoliciesAreRefusedInOneLine() throws IOException {
        for (String bad : List.of("{\"admins\": [\"carol\"", "[]", "{\"admin\":[\"carol\"]}", "{\"admins\":\"carol\"}",
                "{\"allowedBindPaths\":[\"srv\"]}", "{\"admins\":[1]}", "{\"tlsUsers\":[\"alice\"]}",
                "{\"tlsUsers\":{\"alice smith\":\"alice\"}}", "{\"tlsUsers\":{\"alice\":\"al:ice\"}}",
                "{\"tlsUsers\":{\"alice\":1}}", "{\"tlsUsers\":{\"..\":\"alice\"}}",
                "{\"pullRegistries\":\"docker.io\"}", "{\"pullRegistries\":[\"https://docker.io\"]}",
                "{\"pullRegistries\":[\"docker.io/library\"]}", "{\"pushRegistries\":[\"https://host:5000\"]}")) {
            Path f = Files.writeString(dir.resolve("bad.json"), bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyFile.load(f), bad);
            assertTrue(e.getMessage().startsWith("policy " + f + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }
}
