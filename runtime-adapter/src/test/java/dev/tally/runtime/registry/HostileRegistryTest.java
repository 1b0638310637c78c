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
import dev.tally.domain.image.registry.RemoteReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    @Test
    void anImageOfOnePlatformAskedForAnotherIsRefusedBeforeItsLayers() {
        byte[] config = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        hostile.blobs.put(Digests.sha256(config), config);
        String single = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digests.sha256(config) + "\",\"size\":"
                + config.length + "},\"layers\":[]}";
        hostile.manifests.put("single", Map.entry(OCI, single.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Digests.sha256(config), session.resolve("single", "").config().digest());
        assertEquals(Digests.sha256(config), session.resolve("single", "linux/amd64").config().digest());
        DomainException other = assertThrows(DomainException.class, () -> session.resolve("single", "linux/arm64"));
        assertEquals(DomainException.Kind.NOT_FOUND, other.kind());
        assertEquals("image with reference " + hostile.host() + "/app:single was found but does not match the "
                + "specified platform: wanted linux/arm64, actual: linux/amd64", other.getMessage());
    }

    /**
     * A registry that sends blobs to a storage host (as Docker Hub does): the redirect is followed with
     * the query it names, without the registry's token, and the Range of a resumed read goes along.
     */
    @Test
    void aBlobRedirectedToAStorageHostIsFetchedThereWithoutTheRegistrysToken() throws IOException {
        byte[] bytes = randomBytes(2 << 20);
        String digest = Digests.sha256(bytes);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer storage = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 4);
        java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger(1);
        storage.createContext("/storage/", x -> {
            try (x) {
                String range = x.getRequestHeaders().getFirst("Range");
                seen.add(x.getRequestURI().getRawQuery() + " auth=" + x.getRequestHeaders().getFirst("Authorization")
                        + " range=" + range);
                int from = range == null ? 0 : Integer.parseInt(range.substring(6, range.indexOf('-')));
                x.sendResponseHeaders(from > 0 ? 206 : 200, bytes.length - from);
                if (cuts.getAndDecrement() > 0) {
                    x.getResponseBody().write(bytes, from, (bytes.length - from) / 2);
                    x.getResponseBody().flush();
                    throw new IOException("cut on purpose");
                }
                x.getResponseBody().write(bytes, from, bytes.length - from);
            }
        });
        storage.start();
        try {
            hostile.blobs.put(digest, bytes);
            hostile.tokenBytes.set(1 << 30); // every registry call needs its token
            hostile.redirectBlobsTo = "http://127.0.0.1:" + storage.getAddress().getPort();
            assertArrayEquals(bytes, readAll(new Descriptor("", digest, bytes.length)));
            assertEquals(2, seen.size(), seen.toString());
            assertEquals("sig=1 auth=null range=null", seen.get(0));
            assertTrue(seen.get(1).matches("sig=1 auth=null range=bytes=[1-9][0-9]*-"), seen.toString());
            assertEquals(List.of("t1"), hostile.tokens, "the registry's own calls carried its token");
        } finally {
            storage.stop(0);
        }
    }

    /** A session whose registry may stay silent for this long (the default is 30 s). */
    private Registry.Session impatient(long seconds) {
        return new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE,
                java.time.Duration.ofSeconds(seconds))).open(RemoteReference.parse(hostile.host() + "/app"),
                RegistryCredentials.NONE, true);
    }

    private static byte[] readAll(Registry.Session s, Descriptor d) throws IOException {
        try (InputStream in = s.openBlob(d)) {
            return in.readAllBytes();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aBlobTheRegistryFallsSilentInIsAskedForAgainFromWhereItStopped() throws IOException {
        byte[] bytes = randomBytes(3 << 20);
        String digest = Digests.sha256(bytes);
        hostile.blobs.put(digest, bytes);
        hostile.stalls.set(1);
        assertArrayEquals(bytes, readAll(impatient(1), new Descriptor("", digest, bytes.length)));
        assertEquals(2, hostile.ranges.size(), hostile.ranges.toString());
        assertTrue(hostile.ranges.get(1).matches("bytes=[1-9][0-9]*-"), hostile.ranges.toString());
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aBlobTheRegistryFallsSilentInOnEveryTryFailsSayingSoAndARetryReadsIt() throws IOException {
        byte[] bytes = randomBytes(1 << 20);
        String digest = Digests.sha256(bytes);
        hostile.blobs.put(digest, bytes);
        hostile.stalls.set(100);
        Registry.Session s = impatient(1);
        IOException e = assertThrows(IOException.class, () -> readAll(s, new Descriptor("", digest, bytes.length)));
        assertTrue(e.getMessage().contains("the registry sent nothing for 1 s"), e.getMessage());
        assertEquals(ResumingBlobStream.RETRIES + 1, hostile.ranges.size());
        hostile.stalls.set(0);
        assertArrayEquals(bytes, readAll(s, new Descriptor("", digest, bytes.length)));
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aBlobClosedByAnotherThreadFailsTheReadWaitingOnTheRegistryAtOnceAndIsNotAskedForAgain() throws Exception {
        byte[] bytes = randomBytes(1 << 20);
        String digest = Digests.sha256(bytes);
        hostile.blobs.put(digest, bytes);
        hostile.stalls.set(100);
        InputStream in = impatient(20).openBlob(new Descriptor("", digest, bytes.length));
        java.util.concurrent.CompletableFuture<Throwable> failed = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean halfRead = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                in.readNBytes(bytes.length / 2);
                halfRead.set(true);
                in.read(); // the registry went silent: waits
                failed.complete(null);
            } catch (IOException e) {
                failed.complete(e);
            }
        });
        reader.start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> halfRead.get() && waitsOnItsSocket(reader) && hostile.ranges.size() == 1);
        long start = System.nanoTime();
        in.close(); // a pull stopping this layer because another failed

        Throwable thrown = failed.get(20, java.util.concurrent.TimeUnit.SECONDS);
        long took = System.nanoTime() - start;
        assertTrue(thrown instanceof IOException, "the waiting read failed: " + thrown);
        assertTrue(took < java.util.concurrent.TimeUnit.SECONDS.toNanos(5), "after " + took / 1_000_000 + " ms, not "
                + "the registry's idle time of 20 s");
        assertEquals(List.of("-"), hostile.ranges, "the blob was not asked for again");
    }

    /** Whether the thread waits in a socket's read (blob bodies are read from the socket by their reader). */
    private static boolean waitsOnItsSocket(Thread t) {
        return java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals("sun.nio.ch.NioSocketImpl")
                && (f.getMethodName().equals("park") || f.getMethodName().equals("timedRead")));
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aRegistryThatNeverAnswersFailsTheRequestAndARetryGetsTheAnswer() {
        hostile.manifests.put("v1", Map.entry(OCI, manifest("sha256:" + "a".repeat(64), 4)));
        hostile.silentAnswers.set(1);
        Registry.Session s = impatient(1);
        DomainException e = assertThrows(DomainException.class, () -> s.resolve("v1", ""));
        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
        assertEquals(1, s.resolve("v1", "").layers().size());
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anUploadTheRegistryStopsTakingFailsAndARetryUploadsIt() {
        byte[] bytes = randomBytes(32 << 20);
        String digest = Digests.sha256(bytes);
        Descriptor blob = new Descriptor("application/octet-stream", digest, bytes.length);
        hostile.uploadStalls.set(1);
        Registry.Session s = impatient(2);
        DomainException e = assertThrows(DomainException.class,
                () -> s.uploadBlob(blob, new java.io.ByteArrayInputStream(bytes)));
        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("took no bytes and sent no answer for 2 s"), e.getMessage());
        assertFalse(hostile.uploadRequests.contains("DELETE"), "no cancel sent to a registry that stopped answering");
        s.uploadBlob(blob, new java.io.ByteArrayInputStream(bytes));
        assertArrayEquals(bytes, hostile.uploaded.get(digest));
    }

    @Test
    void aBlobOverTheChunkSizeIsUploadedInChunksThenPut() {
        byte[] bytes = randomBytes((5 << 20) / 2);
        String digest = Digests.sha256(bytes);
        Registry.Session s = new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE), 1 << 20)
                .open(RemoteReference.parse(hostile.host() + "/app"), RegistryCredentials.NONE, true);
        s.uploadBlob(new Descriptor("application/octet-stream", digest, bytes.length), new java.io.ByteArrayInputStream(bytes));
        assertArrayEquals(bytes, hostile.uploaded.get(digest));
        assertEquals(List.of("POST", "PATCH 0-1048575", "PATCH 1048576-2097151", "PATCH 2097152-2621439", "PUT"),
                hostile.uploadRequests);
        hostile.uploadRequests.clear();
        byte[] small = randomBytes(1 << 20);
        s.uploadBlob(new Descriptor("application/octet-stream", Digests.sha256(small), small.length),
                new java.io.ByteArrayInputStream(small));
        assertEquals(List.of("POST", "PUT"), hostile.uploadRequests, "a blob of one chunk's size goes in one PUT");
    }

    private static Registry.Content from(byte[] bytes) {
        return offset -> new java.io.ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
    }

    private Registry.Session chunked(int chunk) {
        return new RegistryClient(new RegistryHosts(null, RegistryHosts.DEFAULT_INSECURE), chunk)
                .open(RemoteReference.parse(hostile.host() + "/app"), RegistryCredentials.NONE, true);
    }

    @Test
    void aTokenThatExpiresMidChunkedUploadIsRenewedOnceAndTheUploadGoesOnFromWhatTheRegistryHolds() {
        byte[] bytes = randomBytes((5 << 20) / 2);
        String digest = Digests.sha256(bytes);
        hostile.tokenBytes.set((3 << 20) / 2);
        chunked(1 << 20).uploadBlob(new Descriptor("application/octet-stream", digest, bytes.length), from(bytes));
        assertArrayEquals(bytes, hostile.uploaded.get(digest));
        assertEquals(List.of("t1", "t2"), hostile.tokens);
        assertEquals(List.of("POST", "PATCH 0-1048575", "PATCH refused: token t1 expired", "GET",
                "PATCH 1048576-2097151", "PATCH 2097152-2621439", "PUT"), hostile.uploadRequests,
                "resumed at the first byte the registry did not hold, not from the start");
    }

    @Test
    void aTokenThatExpiresDuringAOnePieceUploadIsRenewedAndTheBlobSentAgainFromTheStart() {
        byte[] first = randomBytes(400 << 10);
        byte[] second = randomBytes(300 << 10);
        hostile.tokenBytes.set(600 << 10);
        Registry.Session s = chunked(1 << 20);
        s.uploadBlob(new Descriptor("application/octet-stream", Digests.sha256(first), first.length), from(first));
        hostile.uploadRequests.clear();
        s.uploadBlob(new Descriptor("application/octet-stream", Digests.sha256(second), second.length), from(second));
        assertArrayEquals(second, hostile.uploaded.get(Digests.sha256(second)));
        assertEquals(List.of("POST", "PUT refused: token t1 expired", "GET", "PUT"), hostile.uploadRequests);
    }

    @Test
    void aTokenRefusedAgainAfterItsRenewalFailsTheUploadAsDenied() {
        byte[] bytes = randomBytes(3 << 20);
        String digest = Digests.sha256(bytes);
        hostile.tokenBytes.set(512 << 10);
        DomainException e = assertThrows(DomainException.class, () -> chunked(1 << 20).uploadBlob(
                new Descriptor("application/octet-stream", digest, bytes.length), from(bytes)));
        assertEquals(DomainException.Kind.DENIED, e.kind(), e.getMessage());
        assertEquals(List.of("t1", "t2"), hostile.tokens, "renewed once, not for ever");
        assertEquals(null, hostile.uploaded.get(digest));
    }

    @Test
    void anUploadFromAStreamReadOnceFailsRatherThanSendWrongBytesWhenItCannotResume() {
        byte[] bytes = randomBytes((5 << 20) / 2);
        String digest = Digests.sha256(bytes);
        hostile.tokenBytes.set((3 << 20) / 2);
        DomainException e = assertThrows(DomainException.class, () -> chunked(1 << 20).uploadBlob(
                new Descriptor("application/octet-stream", digest, bytes.length), new java.io.ByteArrayInputStream(bytes)));
        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("cannot be read again"), e.getMessage());
        assertEquals(null, hostile.uploaded.get(digest));
        assertEquals("DELETE", hostile.uploadRequests.get(hostile.uploadRequests.size() - 1), "the failed upload is cancelled");
    }
}
