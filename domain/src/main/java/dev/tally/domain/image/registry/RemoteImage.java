package dev.tally.domain.image.registry;

import java.util.List;

/**
 * One image's manifest as a registry serves it, for one platform.
 *
 * @param manifestDigest the digest of {@code manifest}: what {@code NAME@sha256:…} names
 * @param mediaType      Docker's v2 schema 2 or OCI's image manifest type
 * @param manifest       the manifest's bytes exactly as served (their digest is {@code manifestDigest})
 * @param config         the image's config blob
 * @param layers         its layers, lowest first
 */
public record RemoteImage(String manifestDigest, String mediaType, byte[] manifest, Descriptor config,
                          List<Descriptor> layers) {
}
