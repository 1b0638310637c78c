package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.References;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.image.command.ImportImage;
import dev.tally.domain.image.command.MoveReference;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.query.ReferenceView;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * The use cases on image references, and the rules every verb that points one follows (import, tag,
 * and pull, load, commit through {@link #checkMove} and {@link #moveReference}):
 * <ul>
 *   <li>A reference belongs to whoever made it point where it points: only that user or an admin may
 *       move it; a user never retargets a reference an admin or another user made (it would change
 *       what their next container runs, as real root for an admin). Every move is an
 *       {@code ImageReferenceMoved} naming the old and the new image; every refusal an AccessDenied.</li>
 *   <li>No one may name a repository like an image id ({@link References}): an admin's
 *       {@code docker run 6ead1bf79586} would run it.</li>
 *   <li>A user uses only the images {@link VisibleImages} gives them.</li>
 *   <li>Users pull only from, and push only to, the registries the policy allows ({@link #checkPull},
 *       {@link #checkPush}).</li>
 * </ul>
 * Moves of one reference are decided one at a time ({@link KeyedLocks}, key {@code image-ref/REF}).
 */
public class ImageService {

    private final CommandGateway commands;
    private final ImageStore store;
    private final ImageQueries images;
    private final AccessControl access;
    private final KeyedLocks locks;
    private final VisibleImages visible;

    public ImageService(CommandGateway commands, ImageStore store, ImageQueries images, AccessControl access,
                        KeyedLocks locks) {
        this.access = access;
        this.commands = commands;
        this.store = store;
        this.images = images;
        this.locks = locks;
        this.visible = new VisibleImages(images, access);
    }

    /** Which images a caller may use. */
    public VisibleImages visible() {
        return visible;
    }

    /**
     * The image {@code ref} names among those this caller may use (inspect, history, save, run); NOT_FOUND
     * otherwise, recorded when only other users' images match.
     */
    public ImageView require(String ref, Actor actor, String action) {
        return visible.require(ref, actor, action);
    }

    /**
     * Whether this caller may point {@code reference} anywhere: decided before any work (a pull, an
     * upload), and decided again by {@link #moveReference}. Returns the reference normalized. INVALID
     * for what is no name or names a digest (not recorded); INVALID recorded for a repository that reads
     * as an image id; DENIED recorded when the reference exists and was made by someone else and the
     * caller is no admin.
     *
     * @param action for the record: {@code image.tag}, {@code image.import}, {@code image.pull}, …
     */
    public String checkMove(String reference, Actor actor, String action) {
        String ref = validTarget(reference, actor, action);
        images.reference(ref).ifPresent(current -> requireMayMove(current, actor, action));
        return ref;
    }

    /**
     * {@link #checkMove(String, Actor, String)} for a move to a known image: a reference that points at
     * {@code imageId} already may be "moved" there by anyone (nothing changes), as {@link #moveReference} decides.
     */
    public String checkMove(String reference, String imageId, Actor actor, String action) {
        String ref = validTarget(reference, actor, action);
        images.reference(ref).filter(current -> !current.imageId().equals(imageId))
                .ifPresent(current -> requireMayMove(current, actor, action));
        return ref;
    }

    /**
     * Points {@code reference} at {@code imageId} (an image the read model knows) for this caller:
     * the rules of {@link #checkMove}, except that a reference already pointing at that image is left
     * as it is (and with its owner) for anyone. Records {@code ImageReferenceMoved} (with the image it
     * pointed at before, or none) when it moves; returns whether it did.
     *
     * @param via what moves it: {@code tag}, {@code pull}, {@code load}, {@code commit}
     */
    public boolean moveReference(String reference, String imageId, String via, Actor actor) {
        return decideMove(reference, imageId, via, actor, (ref, movedFrom) -> {
            if (movedFrom != null) {
                commands.sendAndWait(new MoveReference(imageId, ref, movedFrom, via, actor));
            }
        });
    }

    /**
     * {@link #moveReference(String, String, String, Actor)} for a verb whose own event brings the image
     * and points the reference in the read model (a pull's {@code ImagePulled}), recorded in one append
     * with the move: under the reference's lock the move is decided on the reference as it was, then
     * {@code record} is called (only if the move is allowed) with the image the reference leaves ("" for
     * none), or with null when it points at the image already (no move to record).
     */
    public boolean moveReferenceRecording(String reference, String imageId, String via, Actor actor,
                                          Consumer<String> record) {
        return decideMove(reference, imageId, via, actor, (ref, movedFrom) -> record.accept(movedFrom));
    }

    /**
     * Under the reference's lock, decides the move on the reference as it is: {@code record} gets the
     * reference (validated, normalised) and null when it points at the image already, or (only if the
     * caller may move it) the image it leaves ("" for none). Whether it moved.
     */
    private boolean decideMove(String reference, String imageId, String via, Actor actor,
                               BiConsumer<String, String> record) {
        String action = "image." + via;
        String ref = validTarget(reference, actor, action);
        return locks.exclusively("image-ref/" + ref, () -> {
            Optional<ReferenceView> current = images.reference(ref);
            if (current.isPresent() && current.get().imageId().equals(imageId)) {
                record.accept(ref, null);
                return false;
            }
            current.ifPresent(c -> requireMayMove(c, actor, action));
            record.accept(ref, current.map(ReferenceView::imageId).orElse(""));
            return true;
        });
    }

    /**
     * Whether this caller may pull {@code reference} at all: INVALID for what is no name; DENIED
     * (recorded) when the caller is no admin and the policy does not list the reference's registry.
     * A pull also moves a reference: call {@link #checkMove} for that.
     */
    public void checkPull(String reference, Actor actor) {
        ImageReference ref = ImageReference.parse(reference);
        if (!access.policy().pullAllowed(actor, ref.registry())) {
            throw access.deny(actor, "image.pull", "image/" + ref.familiar(),
                    "the policy does not allow users to pull from " + ref.registry(),
                    new DomainException(DomainException.Kind.DENIED, "authorization denied: pulling from "
                            + ref.registry() + " is not allowed by the daemon's policy (allowed for users: "
                            + String.join(", ", access.policy().pullRegistries().stream().sorted().toList()) + ")"));
        }
    }

    /**
     * Whether this caller may push {@code reference}: INVALID for what is no name; DENIED (recorded)
     * when the caller is no admin and the policy does not list the reference's registry for pushes.
     */
    public void checkPush(String reference, Actor actor) {
        ImageReference ref = ImageReference.parse(reference);
        if (!access.policy().pushAllowed(actor, ref.registry())) {
            throw access.deny(actor, "image.push", "image/" + ref.familiar(),
                    "the policy does not allow users to push to " + ref.registry(),
                    new DomainException(DomainException.Kind.DENIED, "authorization denied: pushing to "
                            + ref.registry() + " is not allowed by the daemon's policy (allowed for users: "
                            + String.join(", ", access.policy().pushRegistries().stream().sorted().toList()) + ")"));
        }
    }

    /** {@code docker tag SOURCE TARGET}: the source among the images the caller may use, then {@link #moveReference}. */
    public void tag(String source, String target, Actor actor) {
        ImageReference.parse(target); // INVALID before anything is looked up or recorded
        ImageView image = visible.require(source, actor, "image.tag");
        moveReference(target, image.id(), "tag", actor);
    }

    /**
     * Whether this caller may import under this reference, decided before any of the upload is read:
     * INVALID for a reference that is none, and the refusals {@link #importRootfs} makes (recorded).
     * {@link #importRootfs} decides again: the answer may change while the upload runs.
     */
    public void checkImport(String reference, Actor actor) {
        checkMove(reference, actor, "image.import");
    }

    /**
     * Imports a root filesystem tar under a reference; returns the image id. The reference moves by
     * {@link #checkMove}'s rules; an import is recorded (ImageImported) even when the content is known,
     * since it shows that the caller holds that content.
     */
    public String importRootfs(InputStream tar, String reference, Actor actor) {
        String ref = checkMove(reference, actor, "image.import");
        ImageStore.StoredImage stored = store.importRootfs(tar);
        locks.exclusively("image-ref/" + ref, () -> {
            Optional<ReferenceView> current = images.reference(ref);
            String previous = current.map(ReferenceView::imageId).orElse("");
            if (current.isPresent() && !previous.equals(stored.id())) {
                requireMayMove(current.get(), actor, "image.import");
            }
            commands.sendAndWait(new ImportImage(stored.id(), ref, stored.layers(), stored.size(), previous, actor));
            return null;
        });
        return stored.id();
    }

    /** Whether this caller may move this reference: its owner, or an admin. */
    public boolean mayMove(ReferenceView ref, Actor actor) {
        return access.isAdmin(actor) || (ref.ownerUid() == actor.uid()
                && (ref.ownerUid() != -1 || ref.ownerUser().equals(actor.user())));
    }

    void requireMayMove(ReferenceView ref, Actor actor, String action) {
        if (!mayMove(ref, actor)) {
            throw access.deny(actor, action, "image/" + ref.reference(), "the reference was made by someone else",
                    new DomainException(DomainException.Kind.DENIED, "authorization denied: " + ref.reference()
                            + " was pointed at its image by another user or an admin; only they or a tally admin "
                            + "may move or remove it: use a name of your own"));
        }
    }

    /** The reference normalized, if it may name a tag target; INVALID (recorded for an id-like repository). */
    private String validTarget(String reference, Actor actor, String action) {
        ImageReference parsed = ImageReference.parse(reference);
        if (parsed.byDigest()) {
            throw DomainException.invalid("refusing to create a tag with a digest reference: " + parsed.familiar());
        }
        String ref = parsed.familiar();
        String repository = parsed.repository();
        if (References.looksLikeId(repository)) {
            throw access.deny(actor, action, "image/" + ref, "the repository name reads as an image id",
                    DomainException.invalid("invalid repository name (" + repository + "), cannot specify "
                            + "12 to 64 hexadecimal characters: the name would read as an image id"));
        }
        return ref;
    }
}
