package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.image.query.ImageHolder;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import java.util.List;
import java.util.Optional;

/**
 * Which images an actor may use (list, inspect, history, save, run, tag): an admin every one; a user
 * those that they brought here themselves (an import, a pull with their credentials, a load), that
 * an admin brought, or that anyone could pull (pulled without credentials). Anything else is absent
 * for them, exactly as a missing image is (docs/security.md, "Images: who may use which").
 */
public class VisibleImages {

    private final ImageQueries images;
    private final AccessControl access;

    public VisibleImages(ImageQueries images, AccessControl access) {
        this.images = images;
        this.access = access;
    }

    /**
     * The image this reference names among those the actor may use; NOT_FOUND ("No such image")
     * otherwise, and when only images they may not use match, that refusal is recorded.
     *
     * @param action what was asked, for the record ({@code image.inspect})
     */
    public ImageView require(String ref, Actor actor, String action) {
        List<ImageView> candidates = images.candidates(ref);
        boolean admin = access.isAdmin(actor);
        List<ImageView> usable = admin ? candidates : candidates.stream().filter(i -> usableBy(i, actor)).toList();
        Optional<ImageView> chosen = ImageQueries.choose(ref, usable);
        if (chosen.isPresent()) {
            return chosen.get();
        }
        if (usable.isEmpty() && !candidates.isEmpty()) {
            throw access.deny(actor, action, "image/" + ref, "another user's image, not provided to this user",
                    noSuchImage(ref));
        }
        throw noSuchImage(ref);
    }

    /** As {@link #require}, empty instead of NOT_FOUND, and nothing recorded. */
    public Optional<ImageView> find(String ref, Actor actor) {
        List<ImageView> candidates = images.candidates(ref);
        boolean admin = access.isAdmin(actor);
        return ImageQueries.choose(ref, admin ? candidates : candidates.stream().filter(i -> usableBy(i, actor)).toList());
    }

    /** The images this actor may use, newest first. */
    public List<ImageView> list(Actor actor) {
        List<ImageView> all = images.list();
        return access.isAdmin(actor) ? all : all.stream().filter(i -> usableBy(i, actor)).toList();
    }

    public boolean usableBy(ImageView image, Actor actor) {
        return access.isAdmin(actor) || image.anyone()
                || image.holders().stream().anyMatch(h -> h.is(actor) || access.isAdmin(h.asActor()));
    }

    /** Whether someone other than this actor brought the image here (or anyone may use it). */
    public static boolean heldByOthers(ImageView image, Actor actor) {
        return image.anyone() || image.holders().stream().anyMatch(h -> !h.is(actor));
    }

    static DomainException noSuchImage(String ref) {
        return DomainException.notFound("No such image: " + displayed(ref));
    }

    /** A reference as Docker's errors show it: normalized when it is a name, else as typed. */
    static String displayed(String ref) {
        if (ImageReference.isIdLike(ref)) {
            return ref;
        }
        return ImageReference.normalizedOrAsIs(ref);
    }
}
