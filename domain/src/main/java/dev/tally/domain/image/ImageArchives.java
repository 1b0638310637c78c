package dev.tally.domain.image;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Images to and from archives: Docker's {@code docker save} format (with the OCI layout dockerd 25+
 * writes beside it), and OCI layout archives on load. No entry name of an archive ever becomes a
 * path: what is read is kept under names of the store's own and addressed by digest.
 */
public interface ImageArchives {

    /**
     * Writes the images to {@code out} as one tar: {@code manifest.json}, {@code repositories},
     * {@code index.json}, {@code oci-layout} and {@code blobs/sha256/…} (configs, uncompressed layer
     * tars, OCI manifests), each blob once. NOT_FOUND if an image is not stored. Does not close {@code out}.
     */
    List<Saved> save(List<Saving> images, OutputStream out);

    /** What {@link #save} plans to write for one image, to be recorded before a byte is sent. */
    Saved plan(Saving image);

    /**
     * Stores every image of an archive (a Docker archive with {@code manifest.json}, or an OCI layout
     * with {@code index.json}; plain or gzip) and returns them with the references the archive gives.
     * INVALID for anything else, a layer whose diff id is not the one its config names, a digest that
     * does not match, an entry larger than the store's limits; what was stored of a refused archive is
     * left for {@link ImageStore#collect}. Records nothing.
     */
    List<Loaded> load(InputStream archive);

    /** An image to save, with the references to name it by in the archive. */
    record Saving(String imageId, List<String> references) {
    }

    /** An image saved: the digest of the manifest written for it and its layers' digests in the archive (diff ids). */
    record Saved(String imageId, List<String> references, String manifestDigest, List<String> layers) {
    }

    /** An image loaded: its references from the archive, its manifest's digest in the store, its diff ids and size. */
    record Loaded(String imageId, List<String> references, String manifestDigest, List<String> layers, long size) {
    }
}
