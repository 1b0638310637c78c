package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The store's contract in memory: a blob is kept only when its bytes match its digest. */
final class FakePullStore implements ImageStore {

    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<String, ImageStore.StoredImage> images = new ConcurrentHashMap<>();
    private final FakeRegistry registry;

    FakePullStore(FakeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean hasBlob(String digest) {
        return blobs.containsKey(digest);
    }

    /** Run after a blob is put (not a layer). */
    volatile java.util.function.Consumer<String> afterPutBlob = digest -> { };

    @Override
    public void putBlob(String digest, long size, InputStream in) {
        blobs.put(digest, verified(digest, in));
        afterPutBlob.accept(digest);
    }

    private static byte[] verified(String digest, InputStream in) {
        try {
            byte[] b = in.readAllBytes();
            if (!FakeRegistry.sha256(b).equals(digest)) {
                throw DomainException.invalid("blob " + digest + ": its bytes' digest is " + FakeRegistry.sha256(b));
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String putLayer(String digest, long size, String mediaType, InputStream in) {
        blobs.put(digest, verified(digest, in));
        return diffIdOf(digest);
    }

    private static String diffIdOf(String digest) {
        return "sha256:diff-of-" + digest.substring(7, 15);
    }

    /**
     * When set, a layer put by {@link #putLayerSyncingLater} is verified at once but stored only when
     * this completes (a store still syncing it), and fails with it.
     */
    volatile CompletableFuture<Void> syncing;

    @Override
    public CompletableFuture<String> putLayerSyncingLater(String digest, long size, String mediaType, InputStream in) {
        CompletableFuture<Void> gate = syncing;
        if (gate == null) {
            return ImageStore.super.putLayerSyncingLater(digest, size, mediaType, in);
        }
        byte[] b = verified(digest, in);
        return gate.thenApply(synced -> {
            blobs.put(digest, b);
            return diffIdOf(digest);
        });
    }

    @Override
    public StoredImage importRootfs(InputStream tar) {
        throw new UnsupportedOperationException();
    }

    @Override
    public StoredImage get(String imageId) {
        StoredImage i = images.get(imageId);
        if (i == null) {
            throw DomainException.notFound("No such image: " + imageId);
        }
        return i;
    }

    @Override
    public InputStream openBlob(String digest) {
        byte[] b = blobs.get(digest);
        if (b == null) {
            throw DomainException.notFound("no blob " + digest);
        }
        return new java.io.ByteArrayInputStream(b);
    }

    @Override
    public long blobSize(String digest) {
        byte[] b = blobs.get(digest);
        if (b == null) {
            throw DomainException.notFound("no blob " + digest);
        }
        return b.length;
    }

    @Override
    public Manifest manifest(String imageId) {
        get(imageId);
        var image = registry.images.values().stream().filter(i -> i.config().digest().equals(imageId)).findFirst()
                .orElseThrow();
        return new Manifest(image.manifest(), image.mediaType(), image.manifestDigest());
    }

    @Override
    public List<Content> unreferenced(java.util.Set<String> liveImageIds) {
        return List.of();
    }

    @Override
    public void remove(Content content) {
    }

    @Override
    public List<Content> collect(java.util.Set<String> liveImageIds) {
        return List.of();
    }

    @Override
    public ImageStore.StoredImage storeImage(byte[] manifest, String mediaType) {
        var image = registry.images.values().stream().filter(i -> java.util.Arrays.equals(i.manifest(), manifest))
                .findFirst().orElseThrow();
        for (var l : image.layers()) {
            if (!blobs.containsKey(l.digest())) {
                throw DomainException.invalid("layer missing");
            }
        }
        ImageStore.StoredImage stored = new ImageStore.StoredImage(image.config().digest(),
                image.layers().stream().map(d -> d.digest()).toList(), 42, new ImageStore.ImageConfig(List.of(),
                List.of("sh"), List.of(), "", ""));
        images.put(stored.id(), stored);
        return stored;
    }
}
