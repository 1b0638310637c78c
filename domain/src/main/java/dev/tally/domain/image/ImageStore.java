package dev.tally.domain.image;

import java.io.InputStream;
import java.util.List;

/** Holds image content: layers and configs, addressed by digest. */
public interface ImageStore {

    /**
     * Stores a root filesystem tar (plain or gzip) as a one-layer image. Idempotent on content.
     * Entries whose path would leave the root are rejected (INVALID), and nothing is kept then.
     */
    StoredImage importRootfs(InputStream tar);

    /** The stored image, for the runtime and for inspect. NOT_FOUND if absent. */
    StoredImage get(String imageId);

    record StoredImage(String id, List<String> layers, long size, ImageConfig config) {
    }

    /** The defaults an image gives its containers. */
    record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                       String user) {
    }
}
