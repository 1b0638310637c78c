package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.image.command.ImportImage;
import dev.tally.domain.image.command.TagImage;
import dev.tally.domain.image.query.ImageQueries;
import java.io.InputStream;
import org.axonframework.commandhandling.gateway.CommandGateway;

/** The use cases on images. */
public class ImageService {

    private final CommandGateway commands;
    private final ImageStore store;
    private final ImageQueries images;

    public ImageService(CommandGateway commands, ImageStore store, ImageQueries images) {
        this.commands = commands;
        this.store = store;
        this.images = images;
    }

    /** Imports a root filesystem tar under a reference; returns the image id. */
    public String importRootfs(InputStream tar, String reference, Actor actor) {
        String ref = ImageReference.normalize(reference);
        ImageStore.StoredImage stored = store.importRootfs(tar);
        boolean known = images.find(stored.id()).isPresent();
        if (known) {
            commands.sendAndWait(new TagImage(stored.id(), ref, actor));
        } else {
            commands.sendAndWait(new ImportImage(stored.id(), ref, stored.layers(), stored.size(), actor));
        }
        return stored.id();
    }
}
