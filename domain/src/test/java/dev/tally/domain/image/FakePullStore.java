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
        if (filesIn != null) {
            try {
                java.nio.file.Path f = filesIn.resolve(digest.substring(7));
                java.nio.file.Files.write(f, b);
                return new FileBlob(java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new java.io.ByteArrayInputStream(b);
    }

    /** When set, {@link #openBlob} gives a blob as a file's stream in this directory, as the real store does. */
    volatile java.nio.file.Path filesIn;

    /** A stored blob's file as a stream that an upload may send from the file. */
    private static final class FileBlob extends InputStream implements dev.tally.domain.image.registry.Registry.FileBacked {
        private final java.nio.channels.FileChannel file;

        FileBlob(java.nio.channels.FileChannel file) {
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            return file.read(one) < 0 ? -1 : one.get(0) & 0xff;
        }

        @Override
        public long skip(long n) throws IOException {
            long to = Math.min(file.size(), file.position() + Math.max(0, n));
            long skipped = to - file.position();
            file.position(to);
            return skipped;
        }

        @Override
        public java.nio.channels.FileChannel file() {
            return file;
        }

        @Override
        public void sent(long n) throws IOException {
            file.position(file.position() + n);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
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
