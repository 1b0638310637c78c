package dev.tally.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.Registry;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.RemoteReference;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real reference registry: plain, htpasswd, Bearer tokens, TLS. */
class RegistryClientTest {

    private static final RegistryCredentials ALICE = new RegistryCredentials("alice", "s3cret-Passw0rd", "");

    @TempDir
    Path tmp;

    private TestImages.Made twoLayers() throws Exception {
        return TestImages.layout(tmp.resolve("layout"), "v1", List.of(
                TestImages.tar(Map.of("etc/one", "one\n")), TestImages.tar(Map.of("etc/two", "two\n"))), List.of("sh"));
    }

    private static byte[] read(Registry.Session s, Descriptor d) throws Exception {
        try (InputStream in = s.openBlob(d)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPlainLoopbackRegistrysImageResolvesToItsManifestAndBlobs() throws Exception {
        TestImages.Made made = twoLayers();
        try (LocalRegistry registry = LocalRegistry.plain()) {
            registry.push(made, "team/app", null);
            RegistryClient client = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE));
            RemoteReference ref = RemoteReference.parse(registry.host() + "/team/app:v1");
            try (Registry.Session s = client.open(ref, RegistryCredentials.NONE, false)) {
                RemoteImage image = s.resolve("v1", "");
                assertEquals(made.manifestDigest(), image.manifestDigest());
                assertEquals(made.configDigest(), image.config().digest());
                assertEquals(made.layers(), image.layers().stream().map(Descriptor::digest).toList());
                assertEquals(image.manifestDigest(), s.resolve(made.manifestDigest(), "").manifestDigest());
                Descriptor lowest = image.layers().get(0);
                assertArrayEquals(Files.readAllBytes(made.layout().resolve("blobs/sha256/" + lowest.digest().substring(7))),
                        read(s, lowest));
                assertTrue(s.hasBlob(lowest.digest()));
                assertFalse(s.hasBlob("sha256:" + "0".repeat(64)));
                DomainException missing = assertThrows(DomainException.class, () -> s.resolve("nope", ""));
                assertEquals(DomainException.Kind.NOT_FOUND, missing.kind());
            }
        }
    }

    @Test
    void aRegistryNotNamedInsecureIsNotSpokenToInPlainHttp() throws Exception {
        try (LocalRegistry registry = LocalRegistry.plain()) {
            RegistryClient client = new RegistryClient(new RegistryHosts(null, List.of()));
            try (Registry.Session s = client.open(RemoteReference.parse(registry.host() + "/app"), RegistryCredentials.NONE, false)) {
                DomainException e = assertThrows(DomainException.class, () -> s.resolve("latest", ""));
                assertEquals(DomainException.Kind.FAILED, e.kind());
            }
        }
    }

    @Test
    void basicAuthIsAnsweredWithTheCredentialsAndRefusedWithout() throws Exception {
        TestImages.Made made = twoLayers();
        try (LocalRegistry registry = LocalRegistry.options().basic("alice", ALICE.password()).start()) {
            registry.push(made, "app", "alice:" + ALICE.password());
            RegistryClient client = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE));
            RemoteReference ref = RemoteReference.parse(registry.host() + "/app:v1");
            try (Registry.Session s = client.open(ref, ALICE, false)) {
                assertEquals(made.manifestDigest(), s.resolve("v1", "").manifestDigest());
            }
            try (Registry.Session s = client.open(ref, RegistryCredentials.NONE, false)) {
                DomainException e = assertThrows(DomainException.class, () -> s.resolve("v1", ""));
                assertEquals(DomainException.Kind.DENIED, e.kind());
            }
            RegistryCredentials wrong = new RegistryCredentials("alice", "wrong-password-123", "");
            DomainException refused = assertThrows(DomainException.class, () -> client.login(registry.host(), wrong));
            assertEquals(DomainException.Kind.DENIED, refused.kind());
            assertFalse(refused.getMessage().contains("wrong-password-123"), refused.getMessage());
            client.login(registry.host(), ALICE);
        }
    }

    @Test
    void bearerTokensAreFetchedForTheRepositorysScope() throws Exception {
        TestImages.Made made = twoLayers();
        try (LocalRegistry registry = LocalRegistry.options().basic("alice", ALICE.password()).token().start()) {
            registry.push(made, "team/app", "alice:" + ALICE.password());
            RegistryClient client = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE));
            RemoteReference ref = RemoteReference.parse(registry.host() + "/team/app:v1");
            try (Registry.Session s = client.open(ref, ALICE, false)) {
                RemoteImage image = s.resolve("v1", "");
                assertEquals(made.manifestDigest(), image.manifestDigest());
                assertEquals(image.layers().get(1).size(), read(s, image.layers().get(1)).length);
            }
            assertTrue(registry.tokenRequests().contains("alice repository:team/app:pull"), registry.tokenRequests().toString());
            try (Registry.Session s = client.open(ref, RegistryCredentials.NONE, false)) {
                DomainException e = assertThrows(DomainException.class, () -> s.resolve("v1", ""));
                assertEquals(DomainException.Kind.DENIED, e.kind());
            }
            client.login(registry.host(), ALICE);
            DomainException refused = assertThrows(DomainException.class,
                    () -> client.login(registry.host(), new RegistryCredentials("alice", "not-her-password", "")));
            assertEquals(DomainException.Kind.DENIED, refused.kind());
            assertFalse(refused.getMessage().contains("not-her-password"), refused.getMessage());
        }
    }

    @Test
    void tlsIsVerifiedAgainstTheCertsDirectorysCa() throws Exception {
        TestImages.Made made = twoLayers();
        try (LocalRegistry registry = LocalRegistry.options().tls().start()) {
            registry.push(made, "app", null);
            RemoteReference ref = RemoteReference.parse(registry.host() + "/app:v1");
            RegistryClient trusting = new RegistryClient(new RegistryHosts(registry.certsDir(), List.of()));
            try (Registry.Session s = trusting.open(ref, RegistryCredentials.NONE, false)) {
                assertEquals(made.manifestDigest(), s.resolve("v1", "").manifestDigest());
            }
            RegistryClient stranger = new RegistryClient(new RegistryHosts(tmp.resolve("no-certs"), List.of()));
            try (Registry.Session s = stranger.open(ref, RegistryCredentials.NONE, false)) {
                DomainException e = assertThrows(DomainException.class, () -> s.resolve("v1", ""));
                assertEquals(DomainException.Kind.FAILED, e.kind());
                assertTrue(e.getMessage().contains("ca.crt"), e.getMessage());
            }
        }
    }

    @Test
    void aPushedImageIsReadBySkopeoAndASecondPushFindsEveryBlob() throws Exception {
        TestImages.Made made = twoLayers();
        try (LocalRegistry registry = LocalRegistry.options().basic("alice", ALICE.password()).token().start()) {
            RegistryClient client = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE));
            RemoteReference ref = RemoteReference.parse(registry.host() + "/pushed:v1");
            Path blobs = made.layout().resolve("blobs/sha256");
            byte[] manifest = Files.readAllBytes(blobs.resolve(made.manifestDigest().substring(7)));
            try (Registry.Session s = client.open(ref, ALICE, true)) {
                for (String d : List.of(made.layers().get(0), made.layers().get(1), made.configDigest())) {
                    assertFalse(s.hasBlob(d));
                    Path f = blobs.resolve(d.substring(7));
                    try (InputStream in = Files.newInputStream(f)) {
                        s.uploadBlob(new Descriptor("", d, Files.size(f)), in);
                    }
                    assertTrue(s.hasBlob(d));
                }
                assertEquals(made.manifestDigest(), s.putManifest("v1",
                        "application/vnd.oci.image.manifest.v1+json", manifest));
            }
            assertTrue(registry.inspect("pushed:v1", "alice:" + ALICE.password()).contains(made.configDigest()));
            RemoteReference other = RemoteReference.parse(registry.host() + "/elsewhere:v1");
            try (Registry.Session s = client.open(other, ALICE, true)) {
                Path f = blobs.resolve(made.layers().get(0).substring(7));
                assertTrue(s.mountBlob(new Descriptor("", made.layers().get(0), Files.size(f)), "pushed"));
                assertTrue(s.hasBlob(made.layers().get(0)));
            }
        }
    }

    @Test
    void theReferenceRegistryTakesABlobInChunks() throws Exception {
        byte[] bytes = new byte[(7 << 20) / 2];
        new java.util.Random(11).nextBytes(bytes);
        String digest = Digests.sha256(bytes);
        try (LocalRegistry registry = LocalRegistry.options().basic("alice", ALICE.password()).token().start()) {
            RegistryClient client = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE), 1 << 20);
            RemoteReference ref = RemoteReference.parse(registry.host() + "/chunked:v1");
            try (Registry.Session s = client.open(ref, ALICE, true)) {
                s.uploadBlob(new Descriptor("", digest, bytes.length), new java.io.ByteArrayInputStream(bytes));
                assertTrue(s.hasBlob(digest));
                assertArrayEquals(bytes, read(s, new Descriptor("", digest, bytes.length)));
            }
        }
    }
}
