package dev.tally.domain.image.query;

import java.time.Instant;
import java.util.List;

/**
 * An image as the read model sees it.
 *
 * @param tags    the references (normalized, familiar form) that point at it
 * @param digests its repository digests ({@code busybox@sha256:…}: the manifests it was pulled or pushed as)
 * @param holders who brought it here by their own act (see {@link ImageHolder})
 * @param anyone  whether every user may use it (pulled without credentials)
 */
public record ImageView(String id, List<String> tags, List<String> layers, long size, Instant created,
                        List<String> digests, List<ImageHolder> holders, boolean anyone) {

    public ImageView {
        tags = tags == null ? List.of() : List.copyOf(tags);
        layers = layers == null ? List.of() : List.copyOf(layers);
        digests = digests == null ? List.of() : List.copyOf(digests);
        holders = holders == null ? List.of() : List.copyOf(holders);
    }

    /** An image with no record of who brought it: usable by admins only. */
    public ImageView(String id, List<String> tags, List<String> layers, long size, Instant created) {
        this(id, tags, layers, size, created, List.of(), List.of(), false);
    }
}
