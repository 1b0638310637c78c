package dev.tally.domain.image;

import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Holds image content, addressed by digest: blobs (compressed layers as received, configs,
 * manifests), each layer unpacked once for overlay, and one record per image. A digest is always
 * {@code sha256:<64 lowercase hex>}; any other is INVALID. Every method is safe to call from several
 * threads at once. What a method refuses leaves nothing behind (no partial blob, layer or record).
 */
public interface ImageStore {

    /**
     * Stores a root filesystem tar (plain or gzip) as a one-layer image, keeping its layer gzip
     * compressed (the client's gzip as sent, or compressed here once) and a manifest, so that a push
     * never compresses again. Idempotent on content: the same tar gives the same image id. Entries
     * whose path would leave the root are rejected (INVALID), and nothing is kept then.
     */
    StoredImage importRootfs(InputStream tar);

    /** The stored image, for the runtime and for inspect. NOT_FOUND if absent. */
    StoredImage get(String imageId);

    /** Whether a complete, verified blob with this digest is stored. */
    boolean hasBlob(String digest);

    /**
     * Stores a blob that is not a layer (a config, a manifest). Its digest, and its size when
     * {@code size >= 0}, are verified while it streams: on a mismatch, INVALID and nothing kept.
     * Idempotent: a blob already stored is not read again. Reads {@code in} to its end; does not close it.
     */
    void putBlob(String digest, long size, InputStream in);

    /**
     * Stores a layer in one pass over {@code in}: the blob exactly as received (verified against
     * {@code digest}, and {@code size} when {@code >= 0}), decompressed by {@code mediaType} (gzip,
     * zstd or plain tar; null: told by its first bytes), the diff id (sha256 of the uncompressed tar)
     * computed, and unpacked into the layer's own directory. Returns the diff id. INVALID (nothing
     * kept) for a digest or size mismatch, an unknown media type, an entry that would leave the root,
     * a layer over the size limit or one that would leave less than the reserve free on the disk.
     * Layers are independent: those of one image may be put in parallel. Idempotent: a layer already
     * stored returns its diff id without reading {@code in}; two calls for one digest at once do the
     * work once and both return.
     */
    String putLayer(String digest, long size, String mediaType, InputStream in);

    /**
     * {@link #putLayer}, returning as soon as the layer's bytes are read, verified and unpacked, with
     * the same refusals thrown: what is left (its files made durable, then moved into the store) goes
     * on in the background, and the stage completes with the diff id once the layer is stored (FAILED
     * when that fails; nothing is kept then). Until then the layer is not {@link #hasBlob}, and
     * {@link #storeImage} would refuse an image of it: a pull waits for its stages before it stores
     * the image. So a pull's next layer downloads while the disk writes the one before. The default
     * does everything before it returns.
     */
    default CompletableFuture<String> putLayerSyncingLater(String digest, long size, String mediaType, InputStream in) {
        return CompletableFuture.completedFuture(putLayer(digest, size, mediaType, in));
    }

    /** The blob's bytes; NOT_FOUND if absent. The caller closes the stream. */
    InputStream openBlob(String digest);

    /** The blob's size in bytes; NOT_FOUND if absent. */
    long blobSize(String digest);

    /**
     * Records an image from its manifest (Docker v2 schema 2 or OCI image manifest; {@code mediaType}
     * null: the manifest's own field), whose config and layers must already be stored (INVALID
     * otherwise, as for a manifest list, or a config whose {@code rootfs.diff_ids} are not the
     * layers' diff ids in order). The image id is the config's digest; the manifest is kept as a blob
     * and is what {@link #manifest} returns from then on. Idempotent.
     */
    StoredImage storeImage(byte[] manifest, String mediaType);

    /**
     * The image's manifest, for push and save: the one it was stored with (pulled, loaded), or the
     * one made when it was imported. An image of an older tallyd gets its gzip layer and manifest
     * made here, once. NOT_FOUND if the image is absent.
     */
    Manifest manifest(String imageId);

    /**
     * Content no image of {@code liveImageIds} holds: image records not in it, then the blobs and
     * layers none of the remaining records reference. Reads only. {@code liveImageIds} must hold every
     * image the log still has, including those only containers use.
     */
    List<Content> unreferenced(Set<String> liveImageIds);

    /** Removes one piece of content {@link #unreferenced} named. Idempotent. */
    void remove(Content content);

    /**
     * Removes what {@link #unreferenced} names, except content that a put or a {@link #hasBlob} of
     * this process touched recently (a pull or load in flight, whose image is not stored yet).
     * Returns what was removed. For the use case that removes an image, after its event is stored.
     */
    List<Content> collect(Set<String> liveImageIds);

    /** An image as the store holds it; {@code manifestDigest} is null for an image of an older tallyd. */
    record StoredImage(String id, List<String> layers, long size, ImageConfig config, String manifestDigest) {
        public StoredImage(String id, List<String> layers, long size, ImageConfig config) {
            this(id, layers, size, config, null);
        }
    }

    /** The defaults an image gives its containers. */
    record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                       String user) {
    }

    /** A manifest as stored: its bytes (what its digest is of), its media type, its digest. */
    record Manifest(byte[] bytes, String mediaType, String digest) {
    }

    /**
     * A piece of stored content: {@code kind} is {@link #IMAGE} (a record), {@link #BLOB} or
     * {@link #LAYER} (an unpacked layer, by its diff id); {@code digest} names it; {@code bytes} its size on disk.
     */
    record Content(String kind, String digest, long bytes) {
        public static final String IMAGE = "image";
        public static final String BLOB = "blob";
        public static final String LAYER = "layer";
    }
}
