package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.runtime.registry.LocalRegistry;
import dev.tally.runtime.registry.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Images that other tools made or send, through a real tallyd and the real reference registry
 * (docker-registry 2.8): podman pushes and tally pulls and runs; the docker CLI (28, and Debian's 20.10
 * where it is unpacked at /tmp/docker20) logs in, pulls, tags and pushes through tallyd; zstd layers
 * (skopeo's) are pulled, run and pushed back as they came.
 */
class RegistryInteropIT {

    private static final Path DOCKER_20 = Path.of("/tmp/docker20/x/usr/bin/docker");
    private static final String PASSWORD = "Interop-pass-2207";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BusyboxDaemon
    private static Daemon daemon;
    private static LocalRegistry registry;
    private static TestImages.Made image;
    private static Path work;

    @BeforeAll
    static void registryAndImage() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "tally-interop-it");
        image = TestImages.layout(work.resolve("layout"), "v1", List.of(Files.readAllBytes(daemon.root.resolve("busybox.tar")),
                TestImages.tar(Map.of("etc/motd", "made elsewhere\n"))), List.of("cat", "/etc/motd"));
        registry = LocalRegistry.options().basic("alice", PASSWORD).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        Daemon.exec(List.of("rm", "-rf", work.toString()), Map.of());
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.out() + r.err());
        return r;
    }

    private static Daemon.Result run(String... cmd) {
        return Daemon.exec(List.of(cmd), Map.of());
    }

    static Stream<String> dockerClis() {
        return Files.isExecutable(DOCKER_20) ? Stream.of("docker", DOCKER_20.toString()) : Stream.of("docker");
    }

    @Test
    void podmanPushesAndTallyPullsAndRuns() throws Exception {
        Path store = Files.createTempDirectory(Path.of("/tmp"), "pm"); // podman wants a short runroot
        List<String> podman = List.of("podman", "--root", store.resolve("root").toString(), "--runroot",
                store.resolve("run").toString(), "--storage-driver", "vfs");
        List<String> pull = new ArrayList<>(podman);
        pull.addAll(List.of("pull", "-q", "oci:" + image.layout() + ":v1"));
        Daemon.Result pulled = ok(Daemon.exec(pull, Map.of()), "podman pulls the layout");
        String local = pulled.out().strip();
        List<String> push = new ArrayList<>(podman);
        push.addAll(List.of("push", "--tls-verify=false", "--creds", "alice:" + PASSWORD, local,
                "docker://" + registry.host() + "/podman/app:v1"));
        ok(Daemon.exec(push, Map.of()), "podman pushes");

        String name = registry.host() + "/podman/app:v1";
        Path config = Files.createDirectories(work.resolve("config-podman"));
        Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString());
        ok(Daemon.tallyWith(env, "-H", "unix://" + daemon.socket, "login", "-u", "alice", "-p", PASSWORD,
                registry.host()), "tally login");
        ok(Daemon.tallyWith(env, "-H", "unix://" + daemon.socket, "pull", name), "tally pulls podman's push");
        Daemon.Result ran = Daemon.tallyWith(env, "-H", "unix://" + daemon.socket, "run", "--rm", name);
        assertEquals("made elsewhere\n", ran.out(), ran.err());
        Daemon.exec(List.of("rm", "-rf", store.toString()), Map.of());
    }

    @ParameterizedTest
    @MethodSource("dockerClis")
    void theDockerCliLogsInPullsTagsAndPushesThroughTallyd(String cli) throws Exception {
        String suffix = cli.equals("docker") ? "28" : "20";
        registry.push(image, "cli" + suffix + "/app", "alice:" + PASSWORD);
        Path config = Files.createDirectories(work.resolve("config-docker" + suffix));
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + daemon.socket, "DOCKER_CONFIG", config.toString());
        String name = registry.host() + "/cli" + suffix + "/app:v1";
        ok(Daemon.exec(List.of(cli, "login", "-u", "alice", "-p", PASSWORD, registry.host()), env), cli + " login");
        Daemon.Result pull = ok(Daemon.exec(List.of(cli, "pull", name), env), cli + " pull");
        assertTrue(pull.out().contains("Digest: " + image.manifestDigest()), pull.out());
        String copy = registry.host() + "/cli" + suffix + "/copy:v2";
        ok(Daemon.exec(List.of(cli, "tag", name, copy), env), cli + " tag");
        Daemon.Result push = ok(Daemon.exec(List.of(cli, "push", copy), env), cli + " push");
        assertTrue(push.out().contains("v2: digest: " + image.manifestDigest()), push.out());
        assertTrue(registry.inspect("cli" + suffix + "/copy:v2", "alice:" + PASSWORD).contains(image.configDigest()));
        Daemon.Result again = ok(Daemon.exec(List.of(cli, "push", copy), env), cli + " push again");
        assertTrue(again.out().contains("Layer already exists"), again.out());
    }

    @Test
    void zstdLayersArePulledRunAndPushedBackAsTheyCame() throws Exception {
        // a registry of its own: skopeo would reuse the gzip blobs another test left in the shared one
        try (LocalRegistry fresh = LocalRegistry.plain()) {
            ok(run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-compress-format", "zstd",
                    "--dest-compress", "oci:" + image.layout() + ":v1", "docker://" + fresh.host() + "/zstd/app:v1"),
                    "skopeo copies with zstd layers");
            JsonNode sent = JSON.readTree(fresh.inspect("zstd/app:v1", null));
            for (JsonNode layer : sent.path("layers")) {
                assertTrue(layer.path("mediaType").asText().endsWith("+zstd"), sent.toString());
            }

            String name = fresh.host() + "/zstd/app:v1";
            ok(daemon.tally("pull", name), "tally pulls zstd layers");
            Daemon.Result ran = daemon.tally("run", "--rm", name);
            assertEquals("made elsewhere\n", ran.out(), ran.err());
            String back = fresh.host() + "/zstd/back:v1";
            ok(daemon.tally("tag", name, back), "tally tag");
            ok(daemon.tally("push", back), "tally pushes it back");

            JsonNode returned = JSON.readTree(fresh.inspect("zstd/back:v1", null));
            assertEquals(sent.path("layers"), returned.path("layers"), "the layers go back as they came");
            assertEquals(sent.path("config"), returned.path("config"));
        }
    }

    @Test
    void tallyKeepsCredentialsInTheUsersCredentialHelperAndNowhereElse() throws Exception {
        registry.push(image, "helper/app", "alice:" + PASSWORD);
        Path bin = Files.createDirectories(work.resolve("helper-bin"));
        Path helper = bin.resolve("docker-credential-tallytest");
        Files.copy(Path.of(System.getProperty("user.dir")).resolve(
                "../api-cli/src/test/resources/credential-helper/docker-credential-tallytest"), helper);
        ok(run("chmod", "0755", helper.toString()), "chmod");
        Path kept = Files.createDirectories(work.resolve("helper-kept"));
        Path config = Files.createDirectories(work.resolve("config-helper"));
        Files.writeString(config.resolve("config.json"), "{\"credsStore\": \"tallytest\"}");
        Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString(), "TALLY_TEST_CREDENTIALS", kept.toString(),
                "PATH", bin + ":" + System.getenv("PATH"));
        String host = "unix://" + daemon.socket;

        ok(Daemon.tallyWith(env, "-H", host, "login", "-u", "alice", "-p", PASSWORD, registry.host()), "tally login");
        String name = registry.host() + "/helper/app:v1";
        ok(Daemon.tallyWith(env, "-H", host, "pull", name), "tally pulls with the helper's credentials");

        assertTrue(!Files.readString(config.resolve("config.json")).contains(PASSWORD), "config.json holds no secret");
        List<String> asked = Files.readAllLines(kept.resolve("helper.log"));
        assertTrue(asked.contains("store " + registry.host()) && asked.contains("get " + registry.host()), asked.toString());
        assertTrue(!daemon.log().contains(PASSWORD), "the daemon's log holds the password");
        ok(Daemon.tallyWith(env, "-H", host, "logout", registry.host()), "tally logout");
        assertTrue(Files.readAllLines(kept.resolve("helper.log")).contains("erase " + registry.host()));
        registry.push(image, "helper/other", "alice:" + PASSWORD);
        Daemon.Result denied = Daemon.tallyWith(env, "-H", host, "pull", registry.host() + "/helper/other:v1");
        assertTrue(denied.code() != 0 && !denied.err().contains(PASSWORD), "logged out: " + denied.err());
    }
}
