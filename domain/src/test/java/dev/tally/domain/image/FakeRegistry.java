package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.Registry;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.RemoteReference;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A registry in memory: images by tag, blobs by digest; it counts fetches and can serve a blob wrong. */
final class FakeRegistry implements Registry {

    final Map<String, RemoteImage> images = new ConcurrentHashMap<>();
    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final List<String> fetched = new CopyOnWriteArrayList<>();
    /** The names manifests were put under. */
    final List<String> pushed = new CopyOnWriteArrayList<>();
    /** Blobs served with other bytes than their digest's. */
    final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();
    /** Thrown by resolve when set. */
    volatile DomainException refusal;
    /** Blobs whose fetch fails at once. */
    final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Blobs served a byte per {@link #SLOW_BYTE}: a stream closed meanwhile fails its next read. */
    final java.util.Set<String> slow = ConcurrentHashMap.newKeySet();
    static final java.time.Duration SLOW_BYTE = java.time.Duration.ofMillis(200);
    /** The slow streams that were closed before their end. */
    final List<String> closedEarly = new CopyOnWriteArrayList<>();
    /** The uploads begun, by digest, and those whose content stream failed under them (a stopped upload). */
    final List<String> uploadsStarted = new CopyOnWriteArrayList<>();
    final List<String> uploadsStopped = new CopyOnWriteArrayList<>();
    /** Never counted down: what a slow upload waits on between two bytes. */
    private final java.util.concurrent.CountDownLatch pace = new java.util.concurrent.CountDownLatch(1);
    /** Run before a blob's bytes are served or taken (to hold a fetch or an upload). */
    volatile java.util.function.Consumer<String> beforeBlob = digest -> { };

    static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An image of these layer contents under a tag; returns it. */
    RemoteImage add(String tag, String... layerTexts) {
        List<Descriptor> layers = new ArrayList<>();
        for (String t : layerTexts) {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            blobs.put(sha256(b), b);
            layers.add(new Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", sha256(b), b.length));
        }
        byte[] config = ("{\"config\":\"" + tag + String.join(",", layerTexts) + "\"}").getBytes(StandardCharsets.UTF_8);
        blobs.put(sha256(config), config);
        byte[] manifest = ("{\"manifest\":\"" + sha256(config) + "\"}").getBytes(StandardCharsets.UTF_8);
        RemoteImage image = new RemoteImage(sha256(manifest), "application/vnd.oci.image.manifest.v1+json", manifest,
                new Descriptor("application/vnd.oci.image.config.v1+json", sha256(config), config.length), layers);
        images.put(tag, image);
        return image;
    }

    @Override
    public RemoteImage describe(byte[] manifest, String mediaType) {
        return images.values().stream().filter(i -> java.util.Arrays.equals(i.manifest(), manifest)).findFirst()
                .orElseThrow(() -> DomainException.invalid("not a manifest of this registry"));
    }

    @Override
    public String login(String registry, RegistryCredentials credentials) {
        if (!credentials.password().equals("right")) {
            throw new DomainException(DomainException.Kind.DENIED, "login refused for " + credentials.password());
        }
        return "";
    }

    @Override
    public Session open(RemoteReference repository, RegistryCredentials credentials, boolean push) {
        return new Session() {
            @Override
            public RemoteImage resolve(String tagOrDigest, String platform) {
                if (refusal != null) {
                    throw refusal;
                }
                RemoteImage i = images.get(tagOrDigest);
                if (i == null) {
                    throw DomainException.notFound("manifest unknown");
                }
                return i;
            }

            @Override
            public InputStream openBlob(Descriptor blob) {
                fetched.add(blob.digest());
                beforeBlob.accept(blob.digest());
                if (failing.contains(blob.digest())) {
                    throw new DomainException(DomainException.Kind.FAILED, "blob " + blob.digest() + " broke");
                }
                byte[] b = corrupt.getOrDefault(blob.digest(), blobs.get(blob.digest()));
                return slow.contains(blob.digest()) ? new SlowStream(blob.digest(), b) : new ByteArrayInputStream(b);
            }

            @Override
            public boolean hasBlob(String digest) {
                return blobs.containsKey(digest);
            }

            @Override
            public boolean mountBlob(Descriptor blob, String fromRepository) {
                return false;
            }

            /** Takes the bytes ({@link #slow} ones a byte per {@link #SLOW_BYTE}); a {@link #failing} one fails first. */
            @Override
            public void uploadBlob(Descriptor blob, Registry.Content content) {
                uploadsStarted.add(blob.digest());
                beforeBlob.accept(blob.digest());
                if (failing.contains(blob.digest())) {
                    throw new DomainException(DomainException.Kind.FAILED, "upload of " + blob.digest() + " broke");
                }
                java.io.ByteArrayOutputStream taken = new java.io.ByteArrayOutputStream();
                try (InputStream in = content.from(0)) {
                    int b;
                    while ((b = in.read()) >= 0) {
                        taken.write(b);
                        if (slow.contains(blob.digest()) && pace.await(SLOW_BYTE.toMillis(),
                                java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    }
                } catch (java.io.IOException e) {
                    uploadsStopped.add(blob.digest());
                    throw new DomainException(DomainException.Kind.FAILED, "upload of " + blob.digest() + ": "
                            + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DomainException(DomainException.Kind.FAILED, "interrupted");
                }
                if (!sha256(taken.toByteArray()).equals(blob.digest())) {
                    throw new DomainException(DomainException.Kind.INVALID, "digest mismatch " + blob.digest());
                }
                blobs.put(blob.digest(), taken.toByteArray());
            }

            @Override
            public String putManifest(String tag, String mediaType, byte[] manifest) {
                pushed.add(repository.registry() + "/" + repository.repository() + ":" + tag);
                return sha256(manifest);
            }

            @Override
            public void close() {
            }
        };
    }

    /** A byte per {@link #SLOW_BYTE}, or an IOException once closed (the wait ends at the close). */
    private final class SlowStream extends InputStream {
        private final String digest;
        private final byte[] bytes;
        private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        private int position;

        SlowStream(String digest, byte[] bytes) {
            this.digest = digest;
            this.bytes = bytes;
        }

        @Override
        public int read() throws java.io.IOException {
            if (position == bytes.length) {
                return -1;
            }
            try {
                if (closed.await(SLOW_BYTE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    throw new java.io.IOException("closed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            return bytes[position++] & 0xff;
        }

        @Override
        public int read(byte[] into, int off, int len) throws java.io.IOException {
            if (len == 0) {
                return 0;
            }
            int b = read();
            if (b < 0) {
                return -1;
            }
            into[off] = (byte) b;
            return 1;
        }

        @Override
        public void close() {
            if (closed.getCount() > 0 && position < bytes.length) {
                closedEarly.add(digest);
            }
            closed.countDown();
        }
    }
}
