package dev.tally.domain.image.registry;

import java.io.InputStream;

/**
 * The registries images come from and go to (the OCI distribution protocol). Errors are
 * {@link dev.tally.domain.DomainException}s: NOT_FOUND for a repository, tag or blob the registry does
 * not have, DENIED when it refuses the credentials or wants some, INVALID for what it serves that is
 * not what was asked (a manifest too large or malformed, no image for the platform), FAILED when it
 * cannot be reached or breaks off. No message names a credential.
 */
public interface Registry {

    /**
     * Checks credentials against a registry as {@code docker login} does; returns the registry's
     * answer to show ("Login Succeeded"), or an identity token it issued (empty if none).
     */
    String login(String registry, RegistryCredentials credentials);

    /**
     * The config and layers an image manifest (Docker v2 schema 2 or OCI, {@code mediaType} or its own
     * field) names, as {@link Session#resolve} gives them; INVALID for anything else.
     */
    RemoteImage describe(byte[] manifest, String mediaType);

    /**
     * A conversation with one repository of one registry, for pulling ({@code push} false) or pushing;
     * it keeps the tokens the registry hands out. Opening it talks to no one. Safe for concurrent use.
     */
    Session open(RemoteReference repository, RegistryCredentials credentials, boolean push);

    /** A blob's bytes to upload, from an offset: opened once, and again when an upload resumes. */
    interface Content {
        /** The bytes from {@code offset} to the end; the caller closes the stream. */
        InputStream from(long offset) throws java.io.IOException;
    }

    /** Calls on one repository. */
    interface Session extends AutoCloseable {

        /**
         * The image manifest the reference names. A manifest list or OCI index is resolved to the
         * entry for {@code platform} ({@code os/arch[/variant]}, {@code linux/amd64} when empty).
         * Manifests over 4 MiB are refused (INVALID). The manifest's digest is verified when the
         * reference names one.
         */
        RemoteImage resolve(String tagOrDigest, String platform);

        /**
         * The blob's bytes, from the start. The stream resumes by itself with a Range request when the
         * connection breaks (a few times); its bytes are not verified here: the reader verifies them
         * against the digest. Closing it closes the connection.
         */
        InputStream openBlob(Descriptor blob);

        /** Whether the repository has the blob (HEAD). */
        boolean hasBlob(String digest);

        /**
         * Asks the registry to link a blob from another repository of it into this one without an
         * upload; false when it would not (then upload).
         */
        boolean mountBlob(Descriptor blob, String fromRepository);

        /**
         * Uploads a blob whose bytes {@code content} gives; the registry verifies its digest. An upload the
         * registry refuses midway for its token (a 401: the token expired during a long upload) is
         * authenticated afresh and resumed once: from the bytes the registry acknowledged of the upload
         * (opened again at that offset), or from the start. DENIED when it is refused again.
         */
        void uploadBlob(Descriptor blob, Registry.Content content);

        /** As {@link #uploadBlob(Descriptor, Content)} from a stream read once: an upload refused midway fails. */
        default void uploadBlob(Descriptor blob, InputStream content) {
            boolean[] opened = {false};
            uploadBlob(blob, offset -> {
                if (opened[0] || offset != 0) {
                    throw new java.io.IOException("the blob's bytes cannot be read again to resume its upload");
                }
                opened[0] = true;
                return content;
            });
        }

        /** Puts a manifest under a tag; its blobs must be there first. Returns the manifest's digest. */
        String putManifest(String tag, String mediaType, byte[] manifest);

        @Override
        void close();
    }
}
