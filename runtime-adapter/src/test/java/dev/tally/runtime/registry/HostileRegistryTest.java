package dev.tally.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.Registry;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the client does with a registry that lies, bloats or breaks off. */
class HostileRegistryTest {

    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";
    private HostileRegistry hostile;
    private Registry.Session session;

    @BeforeEach
    void start() throws IOException {
        hostile = new HostileRegistry();
        session = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE))
                .open(RemoteReference.parse(hostile.host() + "/app"), RegistryCredentials.NONE, false);
    }

    @AfterEach
    void stop() {
        hostile.close();
    }

    private static byte[] manifest(String layerDigest, long size) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"sha256:" + "c".repeat(64) + "\",\"size\":2},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest + "\",\"size\":" + size + "}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    private byte[] readAll(Descriptor d) throws IOException {
        try (InputStream in = session.openBlob(d)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aManifestOver4MiBIsRefusedBeforeItIsRead() {
        byte[] big = new byte[(4 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        hostile.manifests.put("big", Map.entry(OCI, big));
        DomainException e = assertThrows(DomainException.class, () -> session.resolve("big", ""));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("4 MiB"), e.getMessage());
    }

    @Test
    void aManifestWhoseClaimedDigestIsNotItsBytesIsRefused() {
        hostile.manifests.put("v1", Map.entry(OCI, manifest("sha256:" + "a".repeat(64), 4)));
        hostile.claimedDigests.put("v1", "sha256:" + "b".repeat(64));
        DomainException e = assertThrows(DomainException.class, () -> session.resolve("v1", ""));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void aManifestAskedByDigestMustHaveThatDigest() {
        String asked = "sha256:" + "d".repeat(64);
        hostile.manifests.put(asked, Map.entry(OCI, manifest("sha256:" + "a".repeat(64), 4)));
        hostile.claimedDigests.put(asked, asked);
        DomainException e = assertThrows(DomainException.class, () -> session.resolve(asked, ""));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void aBlobCutOffTwiceIsResumedWithRangeAndArrivesWhole() throws IOException {
        byte[] bytes = randomBytes(3 << 20);
        String digest = Digests.sha256(bytes);
        hostile.blobs.put(digest, bytes);
        hostile.drops.set(2);
        assertArrayEquals(bytes, readAll(new Descriptor("", digest, bytes.length)));
        assertEquals(3, hostile.ranges.size(), hostile.ranges.toString());
        assertEquals("-", hostile.ranges.get(0));
        assertTrue(hostile.ranges.get(1).matches("bytes=[1-9][0-9]*-"), hostile.ranges.toString());
    }

    @Test
    void aBlobCutOffOnEveryTryFailsAfterAFewRetries() {
        byte[] bytes = randomBytes(1 << 20);
        String digest = Digests.sha256(bytes);
        hostile.blobs.put(digest, bytes);
        hostile.drops.set(100);
        IOException e = assertThrows(IOException.class, () -> readAll(new Descriptor("", digest, bytes.length)));
        assertTrue(e.getMessage().contains("broke"), e.getMessage());
        assertEquals(ResumingBlobStream.RETRIES + 1, hostile.ranges.size());
    }

    @Test
    void aBlobLongerThanItsManifestSaysIsCutAtItsSize() {
        byte[] bytes = randomBytes(1000);
        String digest = Digests.sha256(bytes);
        hostile.blobs.put(digest, bytes);
        DomainException e = assertThrows(DomainException.class, () -> readAll(new Descriptor("", digest, 10)));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void anIndexResolvesToTheEntryOfThePlatform() {
        byte[] amd = manifest("sha256:" + "a".repeat(64), 4);
        byte[] arm = manifest("sha256:" + "e".repeat(64), 4);
        hostile.manifests.put(Digests.sha256(amd), Map.entry(OCI, amd));
        hostile.manifests.put(Digests.sha256(arm), Map.entry(OCI, arm));
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"" + OCI + "\",\"digest\":\"" + Digests.sha256(arm) + "\",\"size\":" + arm.length
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
                + "{\"mediaType\":\"" + OCI + "\",\"digest\":\"" + Digests.sha256(amd) + "\",\"size\":" + amd.length
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        hostile.manifests.put("multi", Map.entry("application/vnd.oci.image.index.v1+json", index.getBytes()));
        assertEquals(Digests.sha256(amd), session.resolve("multi", "").manifestDigest());
        assertEquals(Digests.sha256(arm), session.resolve("multi", "linux/arm64").manifestDigest());
        DomainException none = assertThrows(DomainException.class, () -> session.resolve("multi", "linux/s390x"));
        assertEquals(DomainException.Kind.NOT_FOUND, none.kind());
    }
}
