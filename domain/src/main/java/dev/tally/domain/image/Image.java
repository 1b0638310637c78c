package dev.tally.domain.image;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.command.ImportImage;
import dev.tally.domain.image.command.LoadImage;
import dev.tally.domain.image.command.RecordCommit;
import dev.tally.domain.image.command.MoveReference;
import dev.tally.domain.image.command.RemoveImage;
import dev.tally.domain.image.command.UntagImage;
import dev.tally.domain.image.event.ImageCommitted;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageLoaded;
import dev.tally.domain.image.event.ImageSaved;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.image.command.RecordPull;
import dev.tally.domain.image.command.RecordPush;
import dev.tally.domain.image.command.RecordSave;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImagePushed;
import java.time.Instant;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

/**
 * An image, identified by its content (the digest of its config). Who may point which reference at it
 * is decided by {@link ImageService} (references are a set across images); the aggregate records the
 * moves and refuses them once the image is removed. The same content imported again, even after a
 * removal, is the same image.
 */
public class Image {

    @AggregateIdentifier
    private String id;
    private boolean removed;

    Image() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(ImportImage cmd) {
        String ref = ImageReference.normalize(cmd.reference());
        apply(new ImageImported(cmd.imageId(), ref, cmd.layers(), cmd.size(), cmd.actor(), Instant.now()));
        String previous = cmd.previousImageId() == null ? "" : cmd.previousImageId();
        if (!previous.isEmpty() && !previous.equals(cmd.imageId())) {
            apply(new ImageReferenceMoved(cmd.imageId(), ref, previous, "import", cmd.actor(), Instant.now()));
        }
    }

    @CommandHandler
    void handle(MoveReference cmd) {
        requirePresent();
        apply(new ImageReferenceMoved(id, ImageReference.normalize(cmd.reference()), cmd.fromImageId(), cmd.via(),
                cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(UntagImage cmd) {
        requirePresent();
        apply(new ImageUntagged(id, cmd.reference(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RemoveImage cmd) {
        requirePresent();
        apply(new ImageRemoved(id, cmd.layers(), cmd.via(), cmd.actor(), Instant.now()));
    }

    private void requirePresent() {
        if (removed) {
            throw DomainException.notFound("No such image: " + id);
        }
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordPull cmd) {
        String ref = ImageReference.normalize(cmd.reference());
        apply(new ImagePulled(cmd.imageId(), ref, cmd.registry(), cmd.manifestDigest(), cmd.layers(), cmd.size(),
                cmd.authenticated(), cmd.actor(), Instant.now()));
        if (cmd.movedFrom() != null) {
            apply(new ImageReferenceMoved(cmd.imageId(), ref, cmd.movedFrom(), "pull", cmd.actor(), Instant.now()));
        }
    }

    @CommandHandler
    void handle(RecordPush cmd) {
        apply(new ImagePushed(id, cmd.reference(), cmd.registry(), cmd.manifestDigest(), cmd.layers(), cmd.uploaded(),
                cmd.actor(), Instant.now()));
    }

    /** A load brings the image back even after a removal, as an import of the same content does. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(LoadImage cmd) {
        apply(new ImageLoaded(cmd.imageId(), normalized(cmd.references()), cmd.manifestDigest(), cmd.layers(),
                cmd.size(), cmd.actor(), Instant.now()));
    }

    /** The same changes committed again on the same image make the same image: it comes back, even after a removal. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordCommit cmd) {
        apply(new ImageCommitted(cmd.imageId(), cmd.containerId(), cmd.parentImageId(), cmd.layerDigest(),
                cmd.manifestDigest(), cmd.layers(), cmd.size(), cmd.reference(), cmd.comment(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RecordSave cmd) {
        requirePresent();
        apply(new ImageSaved(id, normalized(cmd.references()), cmd.manifestDigest(), cmd.layers(), cmd.actor(),
                Instant.now()));
    }

    private static List<String> normalized(List<String> references) {
        return references.stream().map(ImageReference::normalize).toList();
    }

    @EventSourcingHandler
    void on(ImageImported e) {
        id = e.imageId();
        removed = false;
    }

    @EventSourcingHandler
    void on(ImageRemoved e) {
        removed = true;
    }

    @EventSourcingHandler
    void on(ImagePulled e) {
        id = e.imageId();
        removed = false;
    }

    @EventSourcingHandler
    void on(ImageLoaded e) {
        id = e.imageId();
        removed = false;
    }

    @EventSourcingHandler
    void on(ImageCommitted e) {
        id = e.imageId();
        removed = false;
    }
}
