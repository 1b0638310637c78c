package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerOption;
import dev.tally.domain.container.ContainerOptionPolicy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The create bodies the real clients send, one per option (recorded from the docker CLI 28 and 20.10
 * and docker-py; {@code create-bodies/docker-cli-flags.txt} says which flags made each): each is
 * accepted when tally applies what it asks for, and otherwise refused with exactly the field that
 * asked named. What an admin gets is asserted here; the roles' difference is the option table's.
 */
class ClientCreateBodiesTest {

    /** The field refused for each recorded option, whichever client sent it; absent: accepted. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("network-container", "HostConfig.NetworkMode"),
            Map.entry("network-named", "HostConfig.NetworkMode"),
            Map.entry("network-alias", "HostConfig.NetworkMode"),
            Map.entry("expose", "ExposedPorts"),
            Map.entry("health", "Healthcheck"),
            Map.entry("healthcheck", "Healthcheck"),
            Map.entry("domainname", "Domainname"),
            Map.entry("log-driver", "HostConfig.LogConfig"),
            Map.entry("log-opt", "HostConfig.LogConfig"),
            Map.entry("oom-score", "HostConfig.OomScoreAdj"),
            Map.entry("cpu-period", "HostConfig.CpuPeriod"),
            Map.entry("cpu-quota", "HostConfig.CpuQuota"),
            Map.entry("memory-reservation", "HostConfig.MemoryReservation"),
            Map.entry("memory-swappiness", "HostConfig.MemorySwappiness"),
            Map.entry("blkio", "HostConfig.BlkioWeight"),
            Map.entry("storage-opt", "HostConfig.StorageOpt"),
            Map.entry("gpus", "HostConfig.DeviceRequests"),
            Map.entry("annotation", "HostConfig.Annotations"),
            Map.entry("systempaths", "HostConfig.MaskedPaths"),
            Map.entry("uts", "HostConfig.UTSMode"),
            Map.entry("userns", "HostConfig.UsernsMode"),
            Map.entry("cgroup-parent", "HostConfig.CgroupParent"),
            Map.entry("oom-kill", "HostConfig.OomKillDisable"),
            Map.entry("link", "HostConfig.Links"),
            Map.entry("volumes-from", "HostConfig.VolumesFrom"),
            Map.entry("publish", "HostConfig.PortBindings"),
            Map.entry("publish-all", "HostConfig.PublishAllPorts"),
            Map.entry("sysctl", "HostConfig.Sysctls"),
            Map.entry("ulimit", "HostConfig.Ulimits"));

    /** What differs between the clients: where each puts --mac-address and --ip, and --kernel-memory (28 drops it). */
    private static final Map<String, Map<String, String>> REFUSED_BY_CLIENT = Map.of(
            "docker-cli-28", Map.of("mac", "NetworkingConfig.EndpointsConfig.default.MacAddress",
                    "ip", "NetworkingConfig.EndpointsConfig.default.IPAMConfig"),
            "docker-cli-20.10", Map.of("mac", "MacAddress", "kernel-memory", "HostConfig.KernelMemory"),
            "docker-py", Map.of());

    /** Recorded options tally applies (or that ask for what every container gets): accepted. */
    private static final List<String> ACCEPTED = List.of("plain", "bind", "volume", "cap-add", "cap-drop", "cpus", "memory",
            "pids", "tty", "interactive", "rm", "hostname", "user", "workdir", "env", "label", "entry", "readonly", "tmpfs",
            "network-none", "network-bridge", "network-host", "no-health", "restart", "runtime", "ipc", "isolation",
            "platform", "cidfile", "privileged", "device", "secopt", "pid", "kernel-memory", "ip", "cpu-shares", "cpuset-cpus",
            "cpuset-mems", "memory-swap", "shm-size", "group-add", "add-host", "dns", "init", "cgroupns", "device-cgroup-rule",
            "mount", "use-api-socket", "volume-anon", "stop-signal", "stop-timeout");

    @Test
    void everyRecordedBodyIsAcceptedOrRefusedNamingExactlyItsField() throws Exception {
        int seen = 0;
        for (String client : REFUSED_BY_CLIENT.keySet()) {
            Map<String, String> refused = new HashMap<>(REFUSED);
            refused.putAll(REFUSED_BY_CLIENT.get(client));
            for (Path body : bodies(client)) {
                String option = body.getFileName().toString().replace(".json", "");
                String where = client + "/" + option;
                assertTrue(refused.containsKey(option) || ACCEPTED.contains(option), where + " is neither accepted nor refused here");
                Optional<String> answer = refusal(Files.readAllBytes(body));
                if (refused.containsKey(option)) {
                    assertTrue(answer.isPresent(), where + " was accepted");
                    assertTrue(answer.get().endsWith(" not supported: " + refused.get(option)), where + ": " + answer.get());
                } else {
                    assertEquals(Optional.empty(), answer, where);
                }
                seen++;
            }
        }
        assertTrue(seen > 150, "recorded bodies read: " + seen);
    }

    @Test
    void docker28sAndDocker20sPlainBodiesAskForNothingTheConfigDoesNotCarry() throws Exception {
        for (String client : REFUSED_BY_CLIENT.keySet()) {
            ContainerCreateBody plain = Bodies.read(Files.readAllBytes(dir(client).resolve("plain.json")), ContainerCreateBody.class);
            assertEquals(List.of(), plain.askedOptions().stream()
                    .filter(o -> o.option().decisionFor(true) != ContainerOption.Decision.NO_EFFECT).toList(), client);
        }
    }

    /** The options issue 11 asked to apply, as each client sends them, read into the same config. */
    @Test
    void theAppliedOptionsReadTheSameFromEveryClient() throws Exception {
        for (String client : REFUSED_BY_CLIENT.keySet()) {
            assertEquals(512, config(client, "cpu-shares").limits().cpuShares(), client);
            assertEquals("0", config(client, "cpuset-cpus").limits().cpusetCpus(), client);
            assertEquals("0", config(client, "cpuset-mems").limits().cpusetMems(), client);
            assertEquals(128L << 20, config(client, "memory-swap").limits().memorySwapBytes(), client);
            assertEquals(128L << 20, config(client, "shm-size").setup().shmSizeBytes(), client);
            assertEquals(List.of("1234", "audio"), config(client, "group-add").setup().groupAdd(), client);
            assertEquals(List.of("foo:10.1.2.3"), config(client, "add-host").setup().extraHosts(), client);
            ContainerConfig.Setup dns = config(client, "dns").setup();
            assertEquals(List.of(List.of("9.9.9.9"), List.of("example.org"), List.of("ndots:2")),
                    List.of(dns.dns(), dns.dnsSearch(), dns.dnsOptions()), client);
            assertTrue(config(client, "init").setup().init(), client);
            assertEquals("private", config(client, "cgroupns").setup().cgroupnsMode(), client);
            assertEquals(List.of("c 1:3 mr"), config(client, "device-cgroup-rule").hostAccess().deviceCgroupRules(), client);
            assertEquals(ContainerConfig.Setup.NONE, config(client, "plain").setup(), client);
            if (!client.equals("docker-py")) {
                assertEquals(Map.of("/x", ""), config(client, "mount").tmpfs(), client);
            }
        }
    }

    private static ContainerConfig config(String client, String option) throws Exception {
        return Bodies.read(Files.readAllBytes(dir(client).resolve(option + ".json")), ContainerCreateBody.class).config();
    }

    static Optional<String> refusal(byte[] json) {
        ContainerCreateBody body = Bodies.read(json, ContainerCreateBody.class);
        return ContainerOptionPolicy.firstRefusal(body.config(), body.askedOptions(), true,
                new AccessPolicy(null, null, List.of()), AskedOptionsTest.HOST).map(ContainerOptionPolicy.Refusal::message);
    }

    private static List<Path> bodies(String client) throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(dir(client))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static Path dir(String client) throws URISyntaxException {
        return Path.of(ClientCreateBodiesTest.class.getResource("create-bodies/" + client).toURI());
    }
}
