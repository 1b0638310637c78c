package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.runtime.registry.HostileRegistry;
import dev.tally.runtime.registry.LocalRegistry;
import dev.tally.runtime.registry.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pull and login against the real reference registry (docker-registry 2.8) with Bearer tokens from a
 * token server, through a real tallyd, with the real docker CLI and the tally CLI.
 */
class RegistryIT {

    private static final String PASSWORD = "Regi5try-pass-7731";

    @BusyboxDaemon(beforeStart = ShortRegistryTimeout.class)
    private static Daemon daemon;
    private static LocalRegistry registry;
    private static TestImages.Made image;
    private static Path work;

    /** Registries may stay silent for 3 s here (30 s by default), so that a silent one fails a pull soon. */
    static final class ShortRegistryTimeout implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            unstarted.withArgs("--registry-timeout", "3");
        }
    }

    @BeforeAll
    static void registryWithAnImage() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "tally-registry-it");
        Path rootfs = work.resolve("busybox.tar");
        Daemon.Result made = Daemon.exec(List.of("bash", Path.of(System.getProperty("user.dir"))
                .resolve("busybox-rootfs.sh").toString(), rootfs.toString()), Map.of());
        assertEquals(0, made.code(), made.err());
        image = TestImages.layout(work.resolve("layout"), "v1", List.of(Files.readAllBytes(rootfs),
                TestImages.tar(Map.of("etc/motd", "pulled through tally\n"))), List.of("cat", "/etc/motd"));
        registry = LocalRegistry.options().basic("alice", PASSWORD).token().start();
        registry.push(image, "team/busybox", "alice:" + PASSWORD);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
        Daemon.exec(List.of("rm", "-rf", work.toString()), Map.of());
    }

    private static Map<String, String> docker(Path config) {
        return Map.of("DOCKER_HOST", "unix://" + daemon.socket, "DOCKER_CONFIG", config.toString());
    }

    private static Path passwordFile(String password) throws Exception {
        Path f = Files.createTempFile(work, "pw", ".txt");
        Files.writeString(f, password + "\n");
        return f;
    }

    @Test
    void dockerLogsInThroughTallydAndPullsAndRunsTheImage() throws Exception {
        Path config = Files.createDirectories(work.resolve("docker-config-1"));
        Daemon.Result login = Daemon.dockerWith(docker(config), passwordFile(PASSWORD), "login", "-u", "alice",
                "--password-stdin", registry.host());
        assertEquals(0, login.code(), login.err());
        assertTrue(login.out().contains("Login Succeeded"), login.out());
        assertTrue(Files.readString(config.resolve("config.json")).contains(registry.host()));

        String name = registry.host() + "/team/busybox:v1";
        Daemon.Result pull = Daemon.dockerWith(docker(config), null, "pull", name);
        assertEquals(0, pull.code(), pull.out() + pull.err());
        assertTrue(pull.out().contains("Digest: " + image.manifestDigest()), pull.out());
        Daemon.Result rootfs = Daemon.dockerWith(docker(config), null, "image", "inspect", "-f",
                "{{join .RootFS.Layers \",\"}}", name);
        assertEquals(String.join(",", image.diffIds()), rootfs.out().strip(), "RootFS names the layers by diff id");
        Daemon.Result run = Daemon.dockerWith(docker(config), null, "run", "--rm", name);
        assertEquals(0, run.code(), run.err());
        assertEquals("pulled through tally\n", run.out());

        Daemon.Result again = Daemon.dockerWith(docker(config), null, "pull", name);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("Image is up to date"), again.out());

        Daemon.Result audit = daemon.tally("audit", "log", "--user", "root", "--format", "json");
        assertTrue(audit.out().contains("image.pull") && audit.out().contains(image.manifestDigest()), audit.out());
        assertFalse(daemon.log().contains(PASSWORD), "the daemon's log holds the password");
        assertFalse(audit.out().contains(PASSWORD), "the audit holds the password");
    }

    @Test
    void aWrongPasswordIsRefusedAndNamedNowhere() throws Exception {
        Path config = Files.createDirectories(work.resolve("docker-config-2"));
        String wrong = "Not-her-password-4410";
        Daemon.Result login = Daemon.dockerWith(docker(config), passwordFile(wrong), "login", "-u", "alice",
                "--password-stdin", registry.host());
        assertNotEquals(0, login.code());
        assertFalse(login.err().contains(wrong), login.err());
        assertFalse(Files.exists(config.resolve("config.json"))
                && Files.readString(config.resolve("config.json")).contains(registry.host()));
        assertFalse(daemon.log().contains(wrong));
    }

    @Test
    void aPullWithoutCredentialsIsDeniedAndStoresNothing() {
        Daemon.Result pull = Daemon.tallyWith(Map.of("DOCKER_CONFIG", work.resolve("nobody").toString()),
                "-H", "unix://" + daemon.socket, "pull", registry.host() + "/team/other:v1");
        assertNotEquals(0, pull.code());
        assertTrue(pull.err().contains("pull access denied") || pull.err().contains("denied"), pull.err());
        assertFalse(daemon.tally("images").out().contains("team/other"));
    }

    @Test
    void tallyLoginPullAndRunOfAMissingImageUseTheCallersConfig() throws Exception {
        Map<String, String> env = Map.of("DOCKER_CONFIG", work.resolve("tally-config").toString());
        String host = "unix://" + daemon.socket;
        Daemon.Result login = Daemon.tallyWith(env, "-H", host, "login", "-u", "alice", "-p", PASSWORD, registry.host());
        assertEquals(0, login.code(), login.err());
        String config = Files.readString(work.resolve("tally-config/config.json"));
        assertTrue(config.contains(registry.host()) && config.contains("\"auth\""), config);

        registry.push(image, "team/tallied", "alice:" + PASSWORD);
        Daemon.Result run = Daemon.tallyWith(env, "-H", host, "run", "--rm", registry.host() + "/team/tallied:v1");
        assertEquals(0, run.code(), run.err());
        assertEquals("pulled through tally\n", run.out());
        assertTrue(run.err().contains("Unable to find image") && run.err().contains("Digest: " + image.manifestDigest()),
                run.err());

        Daemon.Result pull = Daemon.tallyWith(env, "-H", host, "pull", registry.host() + "/team/tallied:v1");
        assertEquals(0, pull.code(), pull.err());
        assertTrue(pull.out().contains(shortId(image.layers().get(0)) + ": Already exists"), pull.out());

        Daemon.Result logout = Daemon.tallyWith(env, "-H", host, "logout", registry.host());
        assertEquals(0, logout.code(), logout.err());
        assertFalse(Files.readString(work.resolve("tally-config/config.json")).contains(registry.host()));
    }

    @Test
    void aPullForAPlatformTakesThatEntryOfTheIndexAndOneTheIndexLacksFailsAsDockerSays() throws Exception {
        Map<String, String> env = Map.of("DOCKER_CONFIG", work.resolve("index-config").toString());
        String host = "unix://" + daemon.socket;
        assertEquals(0, Daemon.tallyWith(env, "-H", host, "login", "-u", "alice", "-p", PASSWORD, registry.host()).code());
        TestImages.MadeIndex index = TestImages.platforms(work.resolve("index-layout"), "v1", Map.of(
                "amd64", List.of(TestImages.tar(Map.of("etc/arch", "amd\n"))),
                "arm64", List.of(TestImages.tar(Map.of("etc/arch", "arm\n")))), List.of("cat", "/etc/arch"));
        registry.push(index, "team/multi", "alice:" + PASSWORD);
        String name = registry.host() + "/team/multi:v1";
        String inspect = "{{.Id}} {{.Os}}/{{.Architecture}}";

        assertEquals(0, Daemon.tallyWith(env, "-H", host, "pull", "-q", name).code());
        assertEquals(index.images().get("amd64").configDigest() + " linux/amd64\n",
                daemon.tally("image", "inspect", "-f", inspect, name).out());
        Daemon.Result arm = Daemon.tallyWith(env, "-H", host, "pull", "--platform", "linux/arm64", name);
        assertEquals(0, arm.code(), arm.err());
        assertTrue(arm.out().contains("Downloaded newer image") && arm.out().contains(
                "Digest: " + index.images().get("arm64").manifestDigest()), arm.out());
        assertEquals(index.images().get("arm64").configDigest() + " linux/arm64\n",
                daemon.tally("image", "inspect", "-f", inspect, name).out());

        Daemon.Result none = Daemon.dockerWith(Map.of("DOCKER_HOST", host, "DOCKER_CONFIG",
                work.resolve("index-config").toString()), null, "pull", "--platform", "linux/s390x", name);
        assertEquals(1, none.code(), none.out());
        assertTrue(none.err().contains("no matching manifest for linux/s390x in the manifest list entries"), none.err());
        assertEquals(index.images().get("arm64").configDigest() + " linux/arm64\n",
                daemon.tally("image", "inspect", "-f", inspect, name).out());
    }

    @Test
    void aPullForAnotherPlatformOfAnImageOfOnePlatformFailsAndTheNameStaysWhereItWas() throws Exception {
        Map<String, String> env = Map.of("DOCKER_CONFIG", work.resolve("platform-config").toString());
        String host = "unix://" + daemon.socket;
        assertEquals(0, Daemon.tallyWith(env, "-H", host, "login", "-u", "alice", "-p", PASSWORD, registry.host()).code());
        registry.push(image, "team/oneplatform", "alice:" + PASSWORD);
        String name = registry.host() + "/team/oneplatform:v1";
        assertEquals(0, Daemon.tallyWith(env, "-H", host, "pull", "-q", name).code());
        String refused = "image with reference " + registry.host() + "/team/oneplatform:v1 was found but does not match "
                + "the specified platform: wanted linux/arm64, actual: linux/amd64";

        Daemon.Result tally = Daemon.tallyWith(env, "-H", host, "pull", "--platform", "linux/arm64", name);
        assertEquals(1, tally.code(), tally.out());
        assertEquals("tally: pull: " + refused + "\n", tally.err());
        assertFalse(tally.out().contains("up to date"), tally.out());
        Daemon.Result docker = Daemon.dockerWith(Map.of("DOCKER_HOST", host, "DOCKER_CONFIG",
                work.resolve("platform-config").toString()), null, "pull", "--platform", "linux/arm64", name);
        assertEquals(1, docker.code(), docker.out());
        assertTrue(docker.err().contains(refused), docker.err());
        String auth = java.util.Base64.getUrlEncoder().encodeToString(
                ("{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Daemon.Result api = Daemon.exec(List.of("curl", "-s", "-w", " %{http_code}", "-X", "POST", "--unix-socket",
                daemon.socket.toString(), "-H", "X-Registry-Auth: " + auth, "http://d/v1.43/images/create?fromImage="
                        + registry.host() + "/team/oneplatform&tag=v1&platform=linux/arm64"), Map.of());
        assertTrue(api.out().contains(refused) && api.out().endsWith(" 404"), api.out());

        Daemon.Result kept = daemon.tally("image", "inspect", "-f", "{{.Id}} {{.Os}}/{{.Architecture}}", name);
        assertEquals(image.configDigest() + " linux/amd64\n", kept.out(), kept.err());
        Daemon.Result same = Daemon.tallyWith(env, "-H", host, "pull", "--platform", "linux/amd64", name);
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().contains("Image is up to date"), same.out());
    }

    @Test
    void anImportedImageIsPushedSkopeoCopiesItAndASecondPushUploadsNothing() throws Exception {
        try (LocalRegistry plain = LocalRegistry.plain()) {
            String name = plain.host() + "/made/here:v1";
            Daemon.Result imported = daemon.tally("import", work.resolve("busybox.tar").toString(), name);
            assertEquals(0, imported.code(), imported.err());

            Daemon.Result push = daemon.docker("push", name);
            assertEquals(0, push.code(), push.out() + push.err());
            assertTrue(push.out().contains("Pushed") && push.out().contains("v1: digest: sha256:"), push.out());
            String raw = plain.inspect("made/here:v1", null);
            assertTrue(raw.contains("\"layers\""), raw);
            Daemon.Result copied = Daemon.exec(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false",
                    "docker://" + name, "oci:" + work.resolve("copied") + ":v1"), Map.of());
            assertEquals(0, copied.code(), copied.out() + copied.err());

            Daemon.Result again = daemon.tally("push", name);
            assertEquals(0, again.code(), again.err());
            assertTrue(again.out().contains("Layer already exists") && !again.out().contains("Pushed"), again.out());
            Daemon.Result audit = daemon.tally("audit", "log", "--user", "root", "--format", "json");
            assertTrue(audit.out().contains("image.push"), audit.out());
        }
    }

    @Test
    void aLayerServedWrongFailsThePullAndStoresNothingThenARetrySucceeds() throws Exception {
        // a layer no other test pulls: a layer already stored would not be fetched at all
        TestImages.Made own = TestImages.layout(work.resolve("hostile-layout"), "v1", List.of(
                Files.readAllBytes(work.resolve("busybox.tar")), TestImages.tar(Map.of("etc/motd", "served wrong once\n"))),
                List.of("cat", "/etc/motd"));
        try (HostileRegistry hostile = new HostileRegistry()) {
            hostile.serve(own);
            String bad = own.layers().get(1);
            byte[] real = hostile.blobs.get(bad);
            byte[] wrong = real.clone();
            wrong[wrong.length / 2] ^= 1;
            hostile.corrupt.put(bad, wrong);
            String name = hostile.host() + "/hostile:v1";

            Daemon.Result failed = daemon.tally("pull", name);
            assertNotEquals(0, failed.code());
            assertTrue(failed.err().contains(bad) || failed.err().contains("digest"), failed.err());
            assertFalse(daemon.tally("images").out().contains("hostile"));
            assertFalse(daemon.tally("audit", "log", "--user", "root", "--format", "json").out().contains(name));

            hostile.corrupt.clear();
            hostile.drops.set(1);
            Daemon.Result retried = daemon.tally("pull", name);
            assertEquals(0, retried.code(), retried.err());
            assertTrue(hostile.ranges.stream().anyMatch(r -> r.startsWith("bytes=")), hostile.ranges.toString());
            Daemon.Result run = daemon.tally("run", "--rm", name);
            assertEquals("served wrong once\n", run.out(), run.err());
        }
    }

    @Test
    void aRegistryThatFallsSilentInTheMiddleOfABlobFailsThePullStoresNothingThenARetrySucceeds() throws Exception {
        TestImages.Made own = TestImages.layout(work.resolve("silent-layout"), "v1", List.of(
                Files.readAllBytes(work.resolve("busybox.tar")), TestImages.tar(Map.of("etc/motd", "silent once\n"))),
                List.of("cat", "/etc/motd"));
        try (HostileRegistry hostile = new HostileRegistry()) {
            hostile.serve(own);
            hostile.stalls.set(1000);
            String name = hostile.host() + "/silent:v1";

            Daemon.Result failed = daemon.tally("pull", name);

            assertNotEquals(0, failed.code());
            assertTrue(failed.err().contains("the registry sent nothing for 3 s"), failed.err());
            assertFalse(daemon.tally("images").out().contains("silent"));
            for (String digest : List.of(own.configDigest(), own.layers().get(1))) {
                try (var files = Files.walk(daemon.root.resolve("data"))) {
                    assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(digest.substring(7))),
                            "a part of " + digest + " was kept");
                }
            }
            hostile.stalls.set(0);
            Daemon.Result retried = daemon.tally("pull", name);
            assertEquals(0, retried.code(), retried.err());
            Daemon.Result run = daemon.tally("run", "--rm", name);
            assertEquals("silent once\n", run.out(), run.err());
        }
    }

    /** The 12 hex digits Docker's progress names a layer by. */
    private static String shortId(String digest) {
        return digest.substring(7, 19);
    }
}
