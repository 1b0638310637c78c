package dev.tally.domain.image.registry;

/** A blob as a manifest names it: its media type, digest ({@code sha256:…}) and size in bytes. */
public record Descriptor(String mediaType, String digest, long size) {
}
