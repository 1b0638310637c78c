package dev.tally.runtime.image;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageStore.Content;
import dev.tally.domain.image.ImageStore.Manifest;
import dev.tally.domain.image.ImageStore.StoredImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredImageStoreTest {

    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    private static final String TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private LayeredImageStore store() {
        return new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0);
    }

    private static String digest(byte[] b) {
        return Digests.of(b);
    }

    private static TarBuilder layer(String file, String text) throws IOException {
        return new TarBuilder().dir("etc").file("etc/" + file, text);
    }

    private long filesUnder(String dir) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(dir))) {
            return files.count();
        }
    }

    @Test
    void aGzipLayerIsKeptAsReceivedAndUnpackedWithItsDiffId() throws IOException {
        LayeredImageStore store = store();
        TarBuilder tar = layer("a", "one");
        byte[] gz = tar.gzip();
        String diffId = store.putLayer(digest(gz), gz.length, GZIP, new ByteArrayInputStream(gz));
        assertEquals(digest(tar.bytes()), diffId);
        assertTrue(store.hasBlob(digest(gz)));
        assertEquals(gz.length, store.blobSize(digest(gz)));
        try (InputStream in = store.openBlob(digest(gz))) {
            assertArrayEquals(gz, in.readAllBytes(), "the blob is the bytes received, not recompressed");
        }
        assertEquals("one", Files.readString(root.resolve("layers").resolve(diffId.substring(7)).resolve("etc/a")));
        assertEquals(0, filesUnder("tmp"));
    }

    @Test
    void zstdAndPlainLayersAreUnpackedToo() throws IOException {
        LayeredImageStore store = store();
        TarBuilder z = layer("z", "zstd");
        byte[] zst = z.zstd();
        assertEquals(digest(z.bytes()), store.putLayer(digest(zst), zst.length, ZSTD, new ByteArrayInputStream(zst)));
        TarBuilder p = layer("p", "plain");
        assertEquals(digest(p.bytes()), store.putLayer(digest(p.bytes()), -1, TAR, p.done()));
        TarBuilder s = layer("s", "sniffed");
        byte[] gz = s.gzip();
        assertEquals(digest(s.bytes()), store.putLayer(digest(gz), -1, null, new ByteArrayInputStream(gz)));
        assertEquals("zstd", Files.readString(root.resolve("layers").resolve(digest(z.bytes()).substring(7)).resolve("etc/z")));
    }

    @Test
    void aLayerThatDoesNotMatchItsDigestOrSizeIsRefusedAndNothingIsKept() throws IOException {
        LayeredImageStore store = store();
        byte[] gz = layer("a", "one").gzip();
        byte[] other = layer("a", "two").gzip();
        DomainException wrongDigest = assertThrows(DomainException.class,
                () -> store.putLayer(digest(other), gz.length, GZIP, new ByteArrayInputStream(gz)));
        assertEquals(DomainException.Kind.INVALID, wrongDigest.kind());
        DomainException wrongSize = assertThrows(DomainException.class,
                () -> store.putLayer(digest(gz), gz.length - 1, GZIP, new ByteArrayInputStream(gz)));
        assertEquals(DomainException.Kind.INVALID, wrongSize.kind());
        assertFalse(store.hasBlob(digest(gz)));
        assertEquals(0, filesUnder("blobs/sha256"));
        assertEquals(0, filesUnder("layers"));
        assertEquals(0, filesUnder("tmp"));
    }

    @Test
    void badInputIsInvalid() throws IOException {
        LayeredImageStore store = store();
        byte[] notGzip = "not a gzip stream at all".getBytes(StandardCharsets.UTF_8);
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> store.putLayer(digest(notGzip), -1, GZIP, new ByteArrayInputStream(notGzip))).kind());
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> store.putLayer("sha256:../../etc", -1, GZIP, new ByteArrayInputStream(notGzip))).kind());
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> store.putLayer(digest(notGzip), -1, "application/x-rar", new ByteArrayInputStream(notGzip))).kind());
        byte[] escaping = new TarBuilder().file("../escaped", "x").gzip();
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> store.putLayer(digest(escaping), -1, GZIP, new ByteArrayInputStream(escaping))).kind());
        assertFalse(Files.exists(root.resolve("escaped")));
        assertEquals(0, filesUnder("blobs/sha256"));
        assertEquals(0, filesUnder("tmp"));
    }

    /**
     * A sparse entry (here GNU tar's, from {@code tar --sparse}) of 64 MiB takes a few hundred bytes of
     * the tar, and unpacking writes it out whole: the store's limit for a layer holds for what is
     * written, not only for the tar's bytes. With a limit of 16 MiB the import is refused and nothing is
     * kept; without the bound a 10 KiB tar became a 64 MiB file in layers/ (a terabyte as easily, on the
     * disk of the event store).
     */
    @Test
    void aSparseEntryIsHeldToTheLayerLimitAsItIsWritten(@TempDir Path work) throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree"));
        try (var big = new java.io.RandomAccessFile(tree.resolve("big").toFile(), "rw")) {
            big.setLength(64L << 20);
        }
        Path tar = work.resolve("sparse.tar");
        Process made = new ProcessBuilder("tar", "--sparse", "-cf", tar.toString(), "-C", tree.toString(), "big")
                .redirectErrorStream(true).start();
        assertEquals(0, made.waitFor(), new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.size(tar) < 1 << 20, "a sparse tar: " + Files.size(tar) + " bytes");
        LayeredImageStore store = new LayeredImageStore(root, 16L << 20, 0);
        DomainException e;
        try (InputStream in = Files.newInputStream(tar)) {
            e = assertThrows(DomainException.class, () -> store.importRootfs(in));
        }
        assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        assertEquals(0, filesUnder("layers"));
        assertEquals(0, filesUnder("tmp"));
    }

    @Test
    void aBrokenStreamIsAFailureNotABadLayerAndKeepsNothing() throws IOException {
        LayeredImageStore store = store();
        byte[] gz = layer("a", "one").gzip();
        InputStream breaks = new InputStream() {
            int at;

            @Override
            public int read() throws IOException {
                if (at == 20) {
                    throw new IOException("connection reset");
                }
                return gz[at++] & 0xff;
            }
        };
        DomainException e = assertThrows(DomainException.class, () -> store.putLayer(digest(gz), gz.length, GZIP, breaks));
        assertEquals(DomainException.Kind.FAILED, e.kind(), e.getMessage());
        assertEquals(0, filesUnder("tmp"));
        assertEquals(0, filesUnder("blobs/sha256"));
    }

    @Test
    void twoPutsOfOneLayerAtOnceDoTheWorkOnceAndBothReturn() throws Exception {
        LayeredImageStore store = store();
        TarBuilder tar = layer("a", "one");
        byte[] gz = tar.gzip();
        CountDownLatch release = new CountDownLatch(1);
        InputStream slow = new ByteArrayInputStream(gz) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.read(b, off, len);
            }
        };
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the second put must not read its stream");
            }
        };
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> store.putLayer(digest(gz), gz.length, GZIP, slow));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.list(root.resolve("tmp")).findAny().isPresent());
        Thread[] second = new Thread[1];
        String[] secondResult = new String[1];
        second[0] = new Thread(() -> secondResult[0] = store.putLayer(digest(gz), gz.length, GZIP, neverRead));
        second[0].start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> second[0].getState() == Thread.State.WAITING);
        release.countDown();
        assertEquals(digest(tar.bytes()), first.get(30, TimeUnit.SECONDS));
        second[0].join(30_000);
        assertEquals(digest(tar.bytes()), secondResult[0]);
    }

    /**
     * A pull's put returns once the layer is verified and unpacked, with its syncs still to come: the
     * layer is stored (its blob and tree moved into place) only after every file of it was synced, and
     * then its stage completes. Until then it is not there for the store, and a second put of it waits.
     */
    @Test
    void aLayerPutSyncingLaterIsStoredOnlyOnceItsFilesAreSynced() throws Exception {
        CountDownLatch disk = new CountDownLatch(1);
        List<Path> synced = java.util.Collections.synchronizedList(new ArrayList<>());
        DiskSync slow = new DiskSync(p -> {
            try {
                disk.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synced.add(p);
        });
        LayeredImageStore store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0, slow);
        TarBuilder tar = new TarBuilder().dir("etc").file("etc/a", "one").file("etc/b", "two");
        byte[] gz = tar.gzip();
        try {
            CompletableFuture<String> stored = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(10),
                    () -> store.putLayerSyncingLater(digest(gz), gz.length, GZIP, new ByteArrayInputStream(gz)),
                    "the put returned before the disk");
            assertFalse(stored.isDone());
            assertFalse(store.hasBlob(digest(gz)));
            assertEquals(0, filesUnder("blobs/sha256"));
            assertEquals(0, filesUnder("layers"));
            CompletableFuture<String> second = CompletableFuture.supplyAsync(
                    () -> store.putLayer(digest(gz), gz.length, GZIP, new ByteArrayInputStream(new byte[0])));
            disk.countDown();
            assertEquals(digest(tar.bytes()), stored.get(30, TimeUnit.SECONDS));
            assertEquals(digest(tar.bytes()), second.get(30, TimeUnit.SECONDS), "the second put read nothing");
        } finally {
            disk.countDown();
        }
        assertTrue(store.hasBlob(digest(gz)));
        Path tree = root.resolve("layers").resolve(digest(tar.bytes()).substring(7));
        assertEquals("two", Files.readString(tree.resolve("etc/b")));
        assertEquals(0, filesUnder("tmp"));
        List<String> names = synced.stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("a", "b", "etc")) && names.stream().anyMatch(n -> n.startsWith("blob")),
                "the tree's files, its directories and the blob were synced before they were moved: " + synced);
    }

    @Test
    void aLayerWhoseSyncFailsFailsItsStageKeepsNothingAndIsPutAgainLater() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean diskFails = new java.util.concurrent.atomic.AtomicBoolean(true);
        DiskSync failing = new DiskSync(p -> {
            if (diskFails.get() && p.startsWith(root.resolve("tmp"))) {
                throw new java.io.UncheckedIOException(new IOException("Input/output error"));
            }
        });
        LayeredImageStore store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0, failing);
        TarBuilder tar = layer("a", "one");
        byte[] gz = tar.gzip();

        CompletableFuture<String> stored = store.putLayerSyncingLater(digest(gz), gz.length, GZIP,
                new ByteArrayInputStream(gz));

        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> stored.get(30, TimeUnit.SECONDS));
        DomainException cause = (DomainException) e.getCause();
        assertEquals(DomainException.Kind.FAILED, cause.kind());
        assertTrue(cause.getMessage().contains("Input/output error"), cause.getMessage());
        assertFalse(store.hasBlob(digest(gz)));
        assertEquals(0, filesUnder("blobs/sha256"));
        assertEquals(0, filesUnder("layers"));
        assertEquals(0, filesUnder("tmp"));
        diskFails.set(false);
        assertEquals(digest(tar.bytes()), store.putLayer(digest(gz), gz.length, GZIP, new ByteArrayInputStream(gz)));
        assertTrue(store.hasBlob(digest(gz)));
    }

    @Test
    void aBlobIsVerifiedAsItStreams() {
        LayeredImageStore store = store();
        byte[] config = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> store.putBlob(digest("{}".getBytes(StandardCharsets.UTF_8)), -1, new ByteArrayInputStream(config))).kind());
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> store.putBlob(digest(config), 3, new ByteArrayInputStream(config))).kind());
        assertFalse(store.hasBlob(digest(config)));
        store.putBlob(digest(config), config.length, new ByteArrayInputStream(config));
        store.putBlob(digest(config), config.length, new ByteArrayInputStream(new byte[0])); // stored: not read again
        assertTrue(store.hasBlob(digest(config)));
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> store.openBlob(digest(new byte[1]))).kind());
    }

    /** A pulled image: its config and layers put, then its manifest. */
    private record Pulled(byte[] manifest, String configDigest, List<String> diffIds, List<String> blobs) {
    }

    private Pulled pull(LayeredImageStore store, List<TarBuilder> tars, List<String> diffIdsInConfig, String mediaType)
            throws IOException {
        List<Object> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        List<String> blobs = new ArrayList<>();
        for (TarBuilder t : tars) {
            byte[] gz = t.gzip();
            diffIds.add(store.putLayer(digest(gz), gz.length, GZIP, new ByteArrayInputStream(gz)));
            blobs.add(digest(gz));
            layers.add(Map.of("mediaType", GZIP, "size", gz.length, "digest", digest(gz)));
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("architecture", "amd64");
        cfg.put("os", "linux");
        cfg.put("config", Map.of("Cmd", List.of("sh", "-c", "echo hi"), "Env", List.of("PATH=/bin"), "WorkingDir", "/w"));
        cfg.put("rootfs", Map.of("type", "layers", "diff_ids", diffIdsInConfig == null ? diffIds : diffIdsInConfig));
        byte[] config = JSON.writeValueAsBytes(cfg);
        store.putBlob(digest(config), config.length, new ByteArrayInputStream(config));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", mediaType);
        m.put("config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json", "size", config.length,
                "digest", digest(config)));
        m.put("layers", layers);
        return new Pulled(JSON.writeValueAsBytes(m), digest(config), diffIds, blobs);
    }

    @Test
    void anImageIsStoredFromItsManifestOnceItsContentIsThere() throws IOException {
        LayeredImageStore store = store();
        Pulled p = pull(store, List.of(layer("a", "1"), layer("b", "2")), null, "application/vnd.oci.image.manifest.v1+json");
        StoredImage image = store.storeImage(p.manifest(), null);
        assertEquals(p.configDigest(), image.id());
        assertEquals(p.diffIds(), image.layers());
        assertEquals(digest(p.manifest()), image.manifestDigest());
        assertEquals(List.of("sh", "-c", "echo hi"), image.config().cmd());
        assertEquals("/w", image.config().workingDir());
        assertEquals(image, store.get(image.id()));
        Manifest m = store.manifest(image.id());
        assertArrayEquals(p.manifest(), m.bytes());
        assertEquals("application/vnd.oci.image.manifest.v1+json", m.mediaType());
        assertEquals(2, store.layerDirs(image.id()).size());
        assertTrue(store.layerDirs(image.id()).get(0).endsWith(p.diffIds().get(1).substring(7)), "top layer first");
    }

    /**
     * The durability an image's event relies on, with fsyncs of the store's own files only: once
     * {@code storeImage} returned, every regular file and directory under the store (tmp/ aside) was
     * synced, as the inode it is now (renamed since), and the image's directory last, after the
     * directories its content was renamed into. Links and whiteouts have no fsync: their directories'.
     */
    @Test
    void everyFileAndDirectoryAStoredImageNamesWasSyncedAndItsRecordsDirectoryLast() throws IOException {
        List<Object> inodes = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Path> order = java.util.Collections.synchronizedList(new ArrayList<>());
        DiskSync watched = new DiskSync(p -> {
            order.add(p);
            try {
                inodes.add(Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        LayeredImageStore store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0, watched);
        byte[] large = new byte[(int) EarlyWriteback.STEP + 4096];
        new java.util.Random(7).nextBytes(large);
        TarBuilder lower = new TarBuilder().dir("etc").file("etc/a", "1").dir("usr/lib/deep").file("usr/lib/deep/b", "2")
                .fileBytes("large", large).symlink("etc/link", "a").hardlink("etc/hard", "etc/a").file("etc/gone", "g");
        TarBuilder upper = new TarBuilder().dir("etc").file("etc/.wh.a", "").file("etc/c", "3")
                .file("usr/.wh..wh..opq", "");
        Pulled p = pull(store, List.of(lower, upper), null, "application/vnd.oci.image.manifest.v1+json");
        order.clear();
        inodes.clear();
        store.putLayer(p.blobs().get(0), -1, GZIP, new ByteArrayInputStream(new byte[0])); // present: no sync
        assertEquals(List.of(), order);
        // again from an empty store, watched from the start
        for (String dir : List.of("blobs", "layers", "images")) {
            dev.tally.runtime.Trees.delete(root.resolve(dir), "the first store");
        }
        store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0, watched);
        p = pull(store, List.of(lower, upper), null, "application/vnd.oci.image.manifest.v1+json");
        store.storeImage(p.manifest(), null);

        List<Path> notSynced = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.filter(f -> !f.startsWith(root.resolve("tmp")) && (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))).toList()) {
                Object inode = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
                if (!inodes.contains(inode)) {
                    notSynced.add(root.relativize(f));
                }
            }
        }
        assertEquals(List.of(), notSynced);
        assertTrue(Files.isRegularFile(root.resolve("layers").resolve(p.diffIds().get(0).substring(7)).resolve("large")));
        assertEquals(root.resolve("images"), order.get(order.size() - 1), "the record's directory last");
        int images = order.indexOf(root.resolve("images"));
        assertTrue(order.indexOf(root.resolve("blobs/sha256")) < images && order.indexOf(root.resolve("layers")) < images,
                "the content's directories before the record's: " + order);
    }

    @Test
    void aManifestWhoseConfigNamesOtherLayersOrWhoseContentIsMissingIsRefused() throws IOException {
        LayeredImageStore store = store();
        Pulled lying = pull(store, List.of(layer("a", "1")), List.of(digest(new byte[] {1})),
                "application/vnd.docker.distribution.manifest.v2+json");
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> store.storeImage(lying.manifest(), null)).kind());
        Pulled p = pull(store, List.of(layer("b", "2")), null, "application/vnd.docker.distribution.manifest.v2+json");
        store.remove(new Content(Content.BLOB, p.blobs().get(0), 0));
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> store.storeImage(p.manifest(), null)).kind());
        byte[] list = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> store.storeImage(list, null)).kind());
        assertEquals(0, filesUnder("images"));
    }

    @Test
    void anImportKeepsAGzipLayerAndAManifestSoAPushNeverCompresses() throws IOException {
        LayeredImageStore store = store();
        TarBuilder tar = layer("hostname", "box");
        StoredImage plain = store.importRootfs(tar.done());
        Manifest m = store.manifest(plain.id());
        assertEquals(plain.manifestDigest(), m.digest());
        assertEquals(digest(m.bytes()), m.digest());
        JsonNode manifest = JSON.readTree(m.bytes());
        assertEquals("application/vnd.docker.distribution.manifest.v2+json", manifest.path("mediaType").asText());
        assertEquals(plain.id(), manifest.path("config").path("digest").asText());
        String layerBlob = manifest.path("layers").path(0).path("digest").asText();
        try (InputStream in = new java.util.zip.GZIPInputStream(store.openBlob(layerBlob))) {
            assertArrayEquals(tar.bytes(), in.readAllBytes(), "the layer blob is the gzip of the tar");
        }
        byte[] gz = tar.gzip();
        StoredImage sent = store.importRootfs(new ByteArrayInputStream(gz));
        assertEquals(plain.id(), sent.id(), "the same tar is the same image, however it was sent");
        assertTrue(store.hasBlob(digest(gz)), "a gzip sent is kept as sent");
        assertEquals(List.of(digest(tar.bytes())), sent.layers());
    }

    @Test
    void anImageOfAnOlderTallydIsReadAndGetsItsManifestOnce() throws IOException {
        TarBuilder tar = layer("old", "data");
        String diffHex = digest(tar.bytes()).substring(7);
        Files.createDirectories(root.resolve("blobs/sha256"));
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("layers").resolve(diffHex).resolve("etc"));
        Files.writeString(root.resolve("layers").resolve(diffHex).resolve("etc/old"), "data");
        Files.write(root.resolve("blobs/sha256").resolve(diffHex), tar.bytes());
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"sha256:" + diffHex + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String id = digest(config);
        Files.write(root.resolve("blobs/sha256").resolve(id.substring(7)), config);
        Files.writeString(root.resolve("images").resolve(id.substring(7) + ".json"), "{\"id\":\"" + id
                + "\",\"layers\":[\"sha256:" + diffHex + "\"],\"size\":" + tar.bytes().length
                + ",\"config\":{\"entrypoint\":[],\"cmd\":[],\"env\":[],\"workingDir\":\"\",\"user\":\"\"}}");
        LayeredImageStore store = store();
        StoredImage image = store.get(id);
        assertEquals(List.of("sha256:" + diffHex), image.layers());
        assertEquals(null, image.manifestDigest());
        Manifest made = store.manifest(id);
        assertNotNull(made.digest());
        assertEquals(made.digest(), store.manifest(id).digest(), "made once");
        assertEquals(made.digest(), new LayeredImageStore(root).manifest(id).digest());
        assertEquals(made.digest(), store.get(id).manifestDigest());
        String layerBlob = JSON.readTree(made.bytes()).path("layers").path(0).path("digest").asText();
        try (InputStream in = new java.util.zip.GZIPInputStream(store.openBlob(layerBlob))) {
            assertArrayEquals(tar.bytes(), in.readAllBytes());
        }
        List<Content> left = new LayeredImageStore(root).unreferenced(Set.of(id));
        assertEquals(List.of(new Content(Content.BLOB, "sha256:" + diffHex, tar.bytes().length)), left,
                "the older uncompressed layer blob is the only content no longer referenced");
    }

    @Test
    void contentNoLiveImageHoldsIsCollectedAndSharedLayersStay() throws IOException {
        LayeredImageStore store = store();
        TarBuilder shared = layer("shared", "s");
        Pulled a = pull(store, List.of(shared, layer("a", "1")), null, "application/vnd.oci.image.manifest.v1+json");
        Pulled b = pull(store, List.of(shared, layer("b", "2")), null, "application/vnd.oci.image.manifest.v1+json");
        StoredImage ia = store.storeImage(a.manifest(), null);
        StoredImage ib = store.storeImage(b.manifest(), null);
        assertEquals(List.of(), store.unreferenced(Set.of(ia.id(), ib.id())));
        assertEquals(List.of(), store.collect(Set.of(ib.id())), "what this process just put is spared");
        LayeredImageStore restarted = store();
        List<Content> removed = restarted.collect(Set.of(ib.id()));
        List<String> names = removed.stream().map(c -> c.kind() + " " + c.digest()).sorted().toList();
        assertEquals(List.of("blob " + a.blobs().get(1), "blob " + digest(a.manifest()), "blob " + ia.id(),
                "image " + ia.id(), "layer " + a.diffIds().get(1)).stream().sorted().toList(), names);
        assertEquals(ib, restarted.get(ib.id()));
        assertTrue(restarted.hasBlob(a.blobs().get(0)), "the shared layer stays");
        assertTrue(Files.isDirectory(restarted.layerDirs(ib.id()).get(1)));
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class, () -> restarted.get(ia.id())).kind());
        assertEquals(List.of(), restarted.unreferenced(Set.of(ib.id())));
    }
}
