package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageStore;
import dev.tally.runtime.image.ImageRecords.ImageRecord;
import dev.tally.runtime.image.Manifests.Descriptor;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Image content on disk, under the data root: blobs by digest ({@code blobs/sha256/…}: compressed
 * layers as received or as made here once, configs, manifests), each layer unpacked once under
 * {@code layers/<diff hex>} for overlay lower directories ({@link Layers}), and a record per image
 * under {@code images/<id hex>.json} ({@link ImageRecords}). Everything is written under
 * {@code tmp/} and renamed into place once complete and verified.
 */
public final class LayeredImageStore implements ImageStore {

    /** An imported layer's largest size once decompressed (a gzip bomb stops here): 16 GiB. */
    public static final long MAX_LAYER_BYTES = 16L << 30;
    /** Free space an import leaves on the data root's disk, which holds the event store: 1 GiB. */
    public static final long KEEP_FREE_BYTES = 1L << 30;
    /** Content a put or a {@link #hasBlob} touched this recently is not collected: a pull may be using it. */
    static final long GRACE_NANOS = 60L * 60 * 1_000_000_000L;

    private final Blobs blobs;
    private final Layers layers;
    private final ImageRecords records;
    private final LayerWriter writer;
    private final Path tmp;
    private final long keepFreeBytes;
    private final Map<String, CompletableFuture<String>> layersInFlight = new ConcurrentHashMap<>();
    private final Map<String, Long> touched = new ConcurrentHashMap<>();
    private final Object making = new Object();
    /** What other parts of the runtime made of an image alone, removed before its record (by image id). */
    private final List<java.util.function.Consumer<String>> madeOfAnImage = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Where a pulled layer is synced and moved into place while its pull reads the next: a thread per
     * layer being committed, gone when idle. They wait for the disk, not the CPU.
     */
    private final ExecutorService committers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-layer-commit");
        t.setDaemon(true);
        return t;
    });

    public LayeredImageStore(Path root) {
        this(root, MAX_LAYER_BYTES, KEEP_FREE_BYTES);
    }

    /** A store whose layers stop at {@code maxLayerBytes} decompressed, or at {@code keepFreeBytes} left free. */
    public LayeredImageStore(Path root, long maxLayerBytes, long keepFreeBytes) {
        this(root, maxLayerBytes, keepFreeBytes, new DiskSync());
    }

    /** A store whose fsyncs {@code sync} makes (tests watch them). */
    LayeredImageStore(Path root, long maxLayerBytes, long keepFreeBytes, DiskSync sync) {
        Path blobDir = root.resolve("blobs/sha256");
        Path layerDir = root.resolve("layers");
        Path imageDir = root.resolve("images");
        this.tmp = root.resolve("tmp");
        this.keepFreeBytes = keepFreeBytes;
        try {
            boolean made = false;
            for (Path p : List.of(blobDir, layerDir, imageDir, tmp)) {
                made |= !Files.isDirectory(p);
                Files.createDirectories(p);
            }
            if (made) { // their names, before anything is renamed into them
                sync.dirs(List.of(root, blobDir.getParent()));
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "create image store under " + root, e);
        }
        this.blobs = new Blobs(blobDir, tmp, sync);
        this.layers = new Layers(layerDir, tmp, sync);
        this.records = new ImageRecords(imageDir, tmp, sync, List.of(blobDir, layerDir));
        this.writer = new LayerWriter(blobs, tmp, maxLayerBytes, keepFreeBytes, sync);
    }

    @Override
    public StoredImage importRootfs(InputStream tar) {
        BufferedInputStream in = new BufferedInputStream(tar, 65536);
        LayerWriter.Written w;
        try {
            w = Compression.sniff(in) == Compression.GZIP
                    ? writer.asReceived(in, Compression.GZIP, LayerWriter.DOCKER_GZIP, null, -1)
                    : writer.compressedHere(in);
        } catch (IOException e) {
            throw DomainException.invalid("import: the archive could not be read: " + e.getMessage());
        } catch (DomainException e) {
            throw new DomainException(e.kind(), "import: " + e.getMessage(), e);
        }
        try {
            commitLayer(w);
            return storeImported(List.of(w.diffId()), w.size(), List.of(new Descriptor(w.mediaType(), w.blobDigest(),
                    w.blobSize())));
        } catch (IOException e) {
            throw Blobs.failed("import: store the image", e);
        } finally {
            LayerWriter.discard(w);
        }
    }

    /** The config tally gives an imported root filesystem (no defaults), as earlier tallyds made it: same tar, same id. */
    private StoredImage storeImported(List<String> diffIds, long size, List<Descriptor> layerBlobs) throws IOException {
        Map<String, Object> oci = new LinkedHashMap<>();
        oci.put("architecture", "amd64");
        oci.put("os", "linux");
        oci.put("config", Map.of());
        oci.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        byte[] config = new ObjectMapper().writeValueAsBytes(oci);
        String id = Digests.of(config);
        putBytes(id, config);
        byte[] manifest = Manifests.dockerManifest(new Descriptor(Manifests.DOCKER_CONFIG, id, config.length),
                layerBlobs);
        String manifestDigest = Digests.of(manifest);
        putBytes(manifestDigest, manifest);
        ImageRecord record = new ImageRecord(id, diffIds, size, new ImageConfig(List.of(), List.of(), List.of(), "", ""),
                manifestDigest, Manifests.DOCKER_MANIFEST);
        touch(id);
        records.put(record);
        return record.image();
    }

    @Override
    public StoredImage get(String imageId) {
        return records.get(imageId).image();
    }

    /**
     * Has {@code removal} called with an image's id whenever its record is removed (a collection after
     * {@code rmi}, the start's reconciliation), just before: what another part of the runtime made of
     * that image alone goes with it. Not idempotent to register; {@code removal} must be (a removal cut
     * short runs again).
     */
    public void removeWithEachImage(java.util.function.Consumer<String> removal) {
        madeOfAnImage.add(removal);
    }

    /** The ids ({@code sha256:…}) of every image with a record. */
    public Set<String> imageIds() {
        return new HashSet<>(records.ids());
    }

    /** Unpacked layer directories of an image, top layer first, as overlay wants them. */
    public List<Path> layerDirs(String imageId) {
        List<Path> dirs = new ArrayList<>();
        for (String d : get(imageId).layers()) {
            dirs.add(0, layers.tree(d));
        }
        return dirs;
    }

    @Override
    public boolean hasBlob(String digest) {
        boolean has = blobs.has(digest);
        if (has) {
            touch(digest);
        }
        return has;
    }

    @Override
    public void putBlob(String digest, long size, InputStream in) {
        touch(digest);
        blobs.put(digest, size, in, freeSpace());
    }

    private void putBytes(String digest, byte[] bytes) {
        touch(digest);
        blobs.put(digest, bytes.length, new ByteArrayInputStream(bytes), MeteredInput.Budget.NONE);
    }

    @Override
    public String putLayer(String digest, long size, String mediaType, InputStream in) {
        try {
            return putLayerSyncingLater(digest, size, mediaType, in).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * {@inheritDoc} The layer's files are synced and moved into place on a thread of {@link #committers}
     * ({@link #commitLayer}); until then another put of the same layer waits for it, as for one being written.
     */
    @Override
    public CompletableFuture<String> putLayerSyncingLater(String digest, long size, String mediaType, InputStream in) {
        Digests.hex(digest);
        Compression announced = mediaType == null ? null : Compression.ofMediaType(mediaType);
        touch(digest);
        while (true) {
            Optional<String> known = storedLayer(digest);
            if (known.isPresent()) {
                return CompletableFuture.completedFuture(known.get());
            }
            CompletableFuture<String> mine = new CompletableFuture<>();
            CompletableFuture<String> other = layersInFlight.putIfAbsent(digest, mine);
            if (other == null) {
                LayerWriter.Written w;
                try {
                    w = writeLayer(digest, size, mediaType, announced, in);
                } catch (RuntimeException | Error e) {
                    layersInFlight.remove(digest, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                committers.execute(() -> {
                    Throwable failed = null;
                    try {
                        commitLayer(w);
                    } catch (IOException e) {
                        failed = Blobs.failed("store layer " + digest, e);
                    } catch (RuntimeException | Error e) {
                        failed = e;
                    } finally {
                        LayerWriter.discard(w); // what was not moved into place
                    }
                    layersInFlight.remove(digest, mine);
                    if (failed == null) {
                        mine.complete(w.diffId());
                    } else {
                        mine.completeExceptionally(failed);
                    }
                });
                return mine;
            }
            try {
                return CompletableFuture.completedFuture(other.join());
            } catch (CompletionException failedThere) {
                // the other stream was bad, or its layer could not be stored; this one may do: try it
            }
        }
    }

    private Optional<String> storedLayer(String digest) {
        Optional<String> diffId = layers.diffIdOf(digest);
        if (diffId.isPresent() && blobs.has(digest)) {
            touch(diffId.get());
            return diffId;
        }
        return Optional.empty();
    }

    /** A layer read, unpacked and verified against its digest, not synced yet; nothing kept when it fails. */
    private LayerWriter.Written writeLayer(String digest, long size, String mediaType, Compression announced,
                                           InputStream in) {
        BufferedInputStream buffered = new BufferedInputStream(in, 65536);
        Compression compression = announced;
        String type = mediaType;
        if (compression == null) {
            try {
                compression = Compression.sniff(buffered);
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.FAILED, "reading layer " + digest + " failed: "
                        + e.getMessage(), e);
            }
            type = compression.ociMediaType();
        }
        LayerWriter.Written w = writer.asReceived(buffered, compression, type, digest, size);
        try {
            Blobs.verify(digest, size, w.blobDigest(), w.blobSize());
            return w;
        } catch (RuntimeException e) {
            LayerWriter.discard(w);
            throw e;
        }
    }

    /** Syncs what the layer's writer left unsynced, then moves the blob and the tree into place. */
    private void commitLayer(LayerWriter.Written w) throws IOException {
        writer.makeDurable(w);
        touch(w.blobDigest());
        touch(w.diffId());
        blobs.commit(w.blobFile(), w.blobDigest());
        layers.commit(w.tree(), w.diffId(), w.size(), w.blobDigest(), w.mediaType());
    }

    @Override
    public InputStream openBlob(String digest) {
        return blobs.open(digest);
    }

    @Override
    public long blobSize(String digest) {
        return blobs.size(digest);
    }

    @Override
    public StoredImage storeImage(byte[] manifest, String mediaType) {
        Manifests.Parsed parsed = Manifests.parse(manifest, mediaType);
        String id = parsed.config().digest();
        touch(id);
        if (!blobs.has(id)) {
            throw DomainException.invalid("the image's config " + id + " is not stored");
        }
        byte[] config = blobs.read(id);
        if (config.length != parsed.config().size()) {
            throw DomainException.invalid("the image's config " + id + " has " + config.length + " bytes where the "
                    + "manifest says " + parsed.config().size());
        }
        List<String> diffIds = new ArrayList<>();
        long size = 0;
        for (Descriptor layer : parsed.layers()) {
            String diffId = storedLayer(layer.digest()).orElseThrow(() -> DomainException.invalid("layer "
                    + layer.digest() + " of the image is not stored"));
            if (blobs.size(layer.digest()) != layer.size()) {
                throw DomainException.invalid("layer " + layer.digest() + " has " + blobs.size(layer.digest())
                        + " bytes where the manifest says " + layer.size());
            }
            diffIds.add(diffId);
            size += layers.size(diffId);
        }
        List<String> declared = Manifests.diffIds(config);
        if (!declared.equals(diffIds)) {
            throw DomainException.invalid("the image's config names the layers " + declared + " but its manifest's "
                    + "layers unpack to " + diffIds);
        }
        String manifestDigest = Digests.of(manifest);
        putBytes(manifestDigest, manifest);
        ImageRecord record = new ImageRecord(id, diffIds, size, Manifests.imageConfig(config), manifestDigest,
                parsed.mediaType());
        try {
            records.put(record);
        } catch (IOException e) {
            throw Blobs.failed("store the record of image " + id, e);
        }
        return record.image();
    }

    @Override
    public Manifest manifest(String imageId) {
        ImageRecord record = records.get(imageId);
        if (record.manifestDigest() != null && blobs.has(record.manifestDigest())) {
            return new Manifest(blobs.read(record.manifestDigest()), record.manifestMediaType(), record.manifestDigest());
        }
        synchronized (making) {
            return madeManifest(records.get(imageId));
        }
    }

    /**
     * The manifest of an image of an older tallyd, made once: each layer's compressed blob (one
     * stored already, else the gzip of the uncompressed tar that older tallyds kept under the diff
     * id), the config, and a Docker v2 schema 2 manifest of them.
     */
    private Manifest madeManifest(ImageRecord record) {
        if (record.manifestDigest() != null && blobs.has(record.manifestDigest())) {
            return new Manifest(blobs.read(record.manifestDigest()), record.manifestMediaType(), record.manifestDigest());
        }
        try {
            List<Descriptor> layerBlobs = new ArrayList<>();
            for (String diffId : record.layers()) {
                layerBlobs.add(compressedBlobOf(diffId));
            }
            byte[] manifest = Manifests.dockerManifest(new Descriptor(Manifests.DOCKER_CONFIG, record.id(),
                    blobs.size(record.id())), layerBlobs);
            String digest = Digests.of(manifest);
            putBytes(digest, manifest);
            records.put(new ImageRecord(record.id(), record.layers(), record.size(), record.config(), digest,
                    Manifests.DOCKER_MANIFEST));
            return new Manifest(manifest, Manifests.DOCKER_MANIFEST, digest);
        } catch (IOException e) {
            throw Blobs.failed("make the manifest of image " + record.id(), e);
        }
    }

    private Descriptor compressedBlobOf(String diffId) throws IOException {
        for (Map.Entry<String, String> blob : layers.facts(diffId).map(Layers.Facts::blobs).orElse(Map.of()).entrySet()) {
            if (blobs.has(blob.getKey()) && Compression.ofMediaType(blob.getValue()) == Compression.GZIP) {
                return new Descriptor(LayerWriter.DOCKER_GZIP, blob.getKey(), blobs.size(blob.getKey()));
            }
        }
        if (!blobs.has(diffId)) {
            throw new DomainException(DomainException.Kind.FAILED, "the content of layer " + diffId + " is missing "
                    + "from the image store");
        }
        LayerWriter.Gzipped g = writer.gzip(blobs.path(diffId));
        touch(g.digest());
        blobs.commit(g.file(), g.digest());
        layers.recordBlob(diffId, g.digest(), LayerWriter.DOCKER_GZIP);
        return new Descriptor(LayerWriter.DOCKER_GZIP, g.digest(), g.size());
    }

    /** The record of an image; NOT_FOUND if absent. */
    ImageRecord record(String imageId) {
        return records.get(imageId);
    }

    /** A stored blob's bytes (a config). */
    byte[] blobBytes(String digest) {
        return blobs.read(digest);
    }

    /** The uncompressed tar of a layer: its size. */
    long uncompressedSize(String diffId) {
        long size = layers.size(diffId);
        if (size > 0) {
            return size;
        }
        if (blobs.has(diffId)) {
            return blobs.size(diffId);
        }
        try (InputStream in = openUncompressed(diffId)) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw Blobs.failed("read layer " + diffId, e);
        }
    }

    /** The uncompressed tar of a layer: its bytes, from the tar an older tallyd kept or from a compressed blob. */
    InputStream openUncompressed(String diffId) {
        if (blobs.has(diffId)) {
            return blobs.open(diffId);
        }
        for (Map.Entry<String, String> blob : layers.facts(diffId).map(Layers.Facts::blobs).orElse(Map.of()).entrySet()) {
            if (blobs.has(blob.getKey())) {
                try {
                    return Compression.ofMediaType(blob.getValue()).open(new BufferedInputStream(blobs.open(blob.getKey()),
                            65536));
                } catch (IOException e) {
                    throw Blobs.failed("read layer " + diffId, e);
                }
            }
        }
        throw new DomainException(DomainException.Kind.FAILED, "the content of layer " + diffId + " is missing from "
                + "the image store");
    }

    /** A layer of an archive whose digest is not known beforehand: kept as it comes if compressed, gzip made here if not. */
    LayerWriter.Written putLayerAsItComes(InputStream in) {
        BufferedInputStream buffered = new BufferedInputStream(in, 65536);
        LayerWriter.Written w;
        try {
            Compression c = Compression.sniff(buffered);
            w = c == Compression.NONE ? writer.compressedHere(buffered)
                    : writer.asReceived(buffered, c, c.ociMediaType(), null, -1);
        } catch (IOException e) {
            throw DomainException.invalid("the layer could not be read: " + e.getMessage());
        }
        try {
            commitLayer(w);
            return w;
        } catch (IOException e) {
            throw Blobs.failed("store a layer", e);
        } finally {
            LayerWriter.discard(w);
        }
    }

    /** Free space a write under {@code tmp/} must leave. */
    MeteredInput.Budget reserve() {
        return freeSpace();
    }

    /** A layer's size limit and the disk's reserve, for a layer written here before it is stored (a commit's). */
    MeteredInput.Budget layerBudget() {
        return writer.budget();
    }

    Path tmp() {
        return tmp;
    }

    @Override
    public List<Content> unreferenced(Set<String> liveImageIds) {
        List<Content> out = new ArrayList<>();
        Set<String> liveBlobs = new HashSet<>();
        Set<String> liveLayers = new HashSet<>();
        for (String id : records.ids()) {
            Optional<ImageRecord> found = Optional.empty();
            if (liveImageIds.contains(id)) {
                try {
                    found = records.find(id);
                } catch (DomainException unreadable) {
                    liveBlobs.add(id); // keep what it may hold; the record is left for an operator
                    continue;
                }
            }
            if (found.isEmpty()) {
                out.add(new Content(Content.IMAGE, id, 0));
                continue;
            }
            ImageRecord r = found.get();
            liveBlobs.add(r.id());
            liveLayers.addAll(r.layers());
            if (r.manifestDigest() == null || !blobs.has(r.manifestDigest())) {
                liveBlobs.addAll(r.layers()); // an older tallyd kept each layer's tar under its diff id
                layers.blobsOf(r.layers()).forEach(liveBlobs::add);
                continue;
            }
            liveBlobs.add(r.manifestDigest());
            Manifests.parse(blobs.read(r.manifestDigest()), r.manifestMediaType()).layers()
                    .forEach(l -> liveBlobs.add(l.digest()));
        }
        for (String blob : blobs.all()) {
            if (!liveBlobs.contains(blob)) {
                out.add(new Content(Content.BLOB, blob, sizeOrZero(blobs.path(blob))));
            }
        }
        for (String layer : layers.all()) {
            if (!liveLayers.contains(layer)) {
                out.add(new Content(Content.LAYER, layer, layers.size(layer)));
            }
        }
        return out;
    }

    @Override
    public void remove(Content content) {
        switch (content.kind()) {
            case Content.IMAGE -> {
                // first what was made of it: a failure leaves the record, and so the image, for the next removal
                madeOfAnImage.forEach(removal -> removal.accept(content.digest()));
                records.delete(content.digest());
            }
            case Content.BLOB -> blobs.delete(content.digest());
            case Content.LAYER -> layers.delete(content.digest());
            default -> throw DomainException.invalid("unknown kind of image content: " + content.kind());
        }
    }

    @Override
    public List<Content> collect(Set<String> liveImageIds) {
        long now = System.nanoTime();
        touched.values().removeIf(at -> now - at >= GRACE_NANOS);
        List<Content> removed = new ArrayList<>();
        for (Content c : unreferenced(liveImageIds)) {
            Long at = touched.get(c.digest());
            if (at != null && now - at < GRACE_NANOS) {
                continue;
            }
            try {
                remove(c);
                removed.add(c);
            } catch (DomainException stillInUse) {
                // a layer still mounted: the next collection takes it
            }
        }
        return removed;
    }

    private MeteredInput.Budget freeSpace() {
        long[] checkedAt = {-1};
        return total -> {
            if (checkedAt[0] < 0 || total - checkedAt[0] >= (16L << 20)) {
                checkedAt[0] = total;
                if (writer.usableSpace() < keepFreeBytes) {
                    throw DomainException.invalid("the blob would leave less than " + keepFreeBytes
                            + " bytes free on the data root's disk (kept for the event store); nothing was kept");
                }
            }
        };
    }

    private void touch(String digest) {
        touched.put(digest, System.nanoTime());
    }

    private static long sizeOrZero(Path p) {
        try {
            return Files.size(p);
        } catch (IOException gone) {
            return 0;
        }
    }
}
