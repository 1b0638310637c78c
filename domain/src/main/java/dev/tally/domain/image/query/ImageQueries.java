package dev.tally.domain.image.query;

import dev.tally.domain.DomainException;
import dev.tally.domain.References;
import dev.tally.domain.image.ImageReference;
import java.util.List;
import java.util.Optional;

/** Answers about images from the read model, every image: use cases choose among what a caller may use. */
public interface ImageQueries {

    /**
     * Every image the reference could name: the one whose id it is (with or without {@code sha256:}),
     * for 4 or more hex digits every one whose id begins with it, and the one a normalized reference
     * points at ({@code name:tag}, or {@code name@sha256:…} by a repository digest, or by the image's
     * id when the image has a tag in that repository).
     */
    List<ImageView> candidates(String ref);

    /** Newest first. */
    List<ImageView> list();

    /** Where this reference (normalized) points, and who moved it there. */
    Optional<ReferenceView> reference(String normalized);

    /** The one image the reference names, among every image ({@link #choose}). */
    default Optional<ImageView> find(String ref) {
        return choose(ref, candidates(ref));
    }

    /**
     * The one image among {@code candidates} that {@code ref} names, in the order of {@link References}:
     * full id, id-like prefix, the reference, a prefix of 4 or more digits; a hex name that another
     * image's id begins with names neither.
     */
    static Optional<ImageView> choose(String ref, List<ImageView> candidates) {
        String key = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        ImageReference parsed = parsedOrNull(ref);
        return References.choose(key, candidates, i -> i.id().startsWith("sha256:") ? i.id().substring(7) : i.id(),
                i -> parsed != null && names(parsed, i));
    }

    /** Whether a parsed reference names this image: by tag, by repository digest, or by id within a repository it has. */
    static boolean names(ImageReference ref, ImageView image) {
        if (!ref.byDigest()) {
            return image.tags().contains(ref.familiar());
        }
        String byDigest = ref.repository() + "@" + ref.digest();
        return image.digests().contains(byDigest) || (image.id().equals(ref.digest())
                && image.tags().stream().anyMatch(t -> repositoryOf(t).equals(ref.repository())));
    }

    /** The repository of a normalized reference: what comes before its tag or digest. */
    static String repositoryOf(String normalized) {
        int at = normalized.indexOf('@');
        String name = at < 0 ? normalized : normalized.substring(0, at);
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    private static ImageReference parsedOrNull(String ref) {
        try {
            return ImageReference.parse(ref);
        } catch (DomainException notAName) {
            return null;
        }
    }
}
