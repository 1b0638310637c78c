package dev.tally.domain.image;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.tally.domain.image.command.ImportImage;
import dev.tally.domain.image.command.TagImage;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageTagged;
import java.time.Instant;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** An image, identified by its content (the digest of its config). */
public class Image {

    @AggregateIdentifier
    private String id;

    Image() {
        // for Axon
    }

    @CommandHandler
    Image(ImportImage cmd) {
        apply(new ImageImported(cmd.imageId(), ImageReference.normalize(cmd.reference()), cmd.layers(),
                cmd.size(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(TagImage cmd) {
        apply(new ImageTagged(id, ImageReference.normalize(cmd.reference()), cmd.actor(), Instant.now()));
    }

    @EventSourcingHandler
    void on(ImageImported e) {
        id = e.imageId();
    }
}
