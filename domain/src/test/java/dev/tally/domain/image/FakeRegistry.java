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
    /** Run before a blob's bytes are served (to hold a fetch). */
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
                byte[] b = corrupt.getOrDefault(blob.digest(), blobs.get(blob.digest()));
                return new ByteArrayInputStream(b);
            }

            @Override
            public boolean hasBlob(String digest) {
                return blobs.containsKey(digest);
            }

            @Override
            public boolean mountBlob(Descriptor blob, String fromRepository) {
                return false;
            }

            @Override
            public void uploadBlob(Descriptor blob, Registry.Content content) {
                throw new UnsupportedOperationException();
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
}
