package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's changes became an image ({@code docker commit}): its actor brought the image here (they
 * may use it). The reference it was committed as, if any, moves by an {@code ImageReferenceMoved} via
 * {@code commit} of its own, recorded after this one.
 *
 * @param containerId    the container committed
 * @param parentImageId  the image the container ran, which the new one stands on
 * @param layerDigest    the new layer's blob digest (gzip, compressed once when it was made)
 * @param manifestDigest the new image's manifest digest in the store
 * @param layers         the new image's layers' diff ids, bottom first (the parent's, then the new one)
 * @param size           its layers' size, uncompressed
 * @param reference      the name asked for, normalized; empty for none
 * @param comment        {@code --message}, as given
 */
public record ImageCommitted(String imageId, String containerId, String parentImageId, String layerDigest,
                             String manifestDigest, List<String> layers, long size, String reference, String comment,
                             Actor actor, Instant at) implements DomainEvent {

    public ImageCommitted {
        layers = layers == null ? List.of() : List.copyOf(layers);
        reference = reference == null ? "" : reference;
        comment = comment == null ? "" : comment;
    }

    @Override
    public Subject subject() {
        return Subject.image(imageId, reference);
    }

    @Override
    public String auditVerb() {
        return "commit";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(201);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("container", containerId, "parent", parentImageId, "layer", layerDigest, "manifestDigest",
                manifestDigest);
    }

    /** As dockerd: a container event, with the comment, the new image's id and the name asked for. */
    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "commit", "comment", comment, "imageID", imageId,
                "imageRef", reference));
    }

    /**
     * Whoever may use the new image: its actor brought it (a holder from now on, as by an import), so the
     * name's move recorded after it reaches them too.
     */
    @Override
    public Audience audience() {
        return Audience.image(imageId).held(false);
    }
}
