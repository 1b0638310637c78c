package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.References;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.image.command.ImportImage;
import dev.tally.domain.image.command.TagImage;
import dev.tally.domain.image.query.ImageQueries;
import java.io.InputStream;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * The use cases on images. Images are shared: everyone may list, inspect and run every image. A user
 * may import under a new reference; pointing an existing reference elsewhere would change what other
 * users' next containers run, so that is for admins. No one may name a repository like an image id
 * ({@link References}): an admin's {@code docker run 6ead1bf79586} would run it.
 */
public class ImageService {

    private final CommandGateway commands;
    private final ImageStore store;
    private final ImageQueries images;
    private final AccessControl access;

    public ImageService(CommandGateway commands, ImageStore store, ImageQueries images, AccessControl access) {
        this.access = access;
        this.commands = commands;
        this.store = store;
        this.images = images;
    }

    /**
     * Whether this caller may import under this reference, decided before any of the upload is read:
     * INVALID for a reference that is none, and the refusals {@link #importRootfs} makes (recorded).
     * {@link #importRootfs} decides again: the answer may change while the upload runs.
     */
    public void checkImport(String reference, Actor actor) {
        mayImport(reference, actor);
    }

    /** Imports a root filesystem tar under a reference; returns the image id. */
    public String importRootfs(InputStream tar, String reference, Actor actor) {
        String ref = mayImport(reference, actor);
        ImageStore.StoredImage stored = store.importRootfs(tar);
        boolean known = images.find(stored.id()).isPresent();
        if (known) {
            commands.sendAndWait(new TagImage(stored.id(), ref, actor));
        } else {
            commands.sendAndWait(new ImportImage(stored.id(), ref, stored.layers(), stored.size(), actor));
        }
        return stored.id();
    }

    /** The normalized reference, once this caller may import under it; INVALID or DENIED (recorded) otherwise. */
    private String mayImport(String reference, Actor actor) {
        String ref = ImageReference.normalize(reference);
        String repository = ref.substring(0, ref.lastIndexOf(':'));
        if (References.looksLikeId(repository)) {
            throw access.deny(actor, "image.import", "image/" + ref, "the repository name reads as an image id",
                    DomainException.invalid("invalid repository name (" + repository + "), cannot specify "
                            + "12 to 64 hexadecimal characters: the name would read as an image id"));
        }
        if (!access.isAdmin(actor) && images.find(ref).isPresent()) {
            String message = "authorization denied: replacing the existing image " + ref
                    + " is for tally admins only; import under a new name";
            throw access.deny(actor, "image.import", "image/" + ref, "the reference exists and may be used by others",
                    new DomainException(DomainException.Kind.DENIED, message));
        }
        return ref;
    }
}
