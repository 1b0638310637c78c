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
 * An image was loaded from an archive ({@code docker load}): its actor brought it here (they may use
 * it, see {@code VisibleImages}). Each reference the load points at it is a move of its own
 * ({@code ImageReferenceMoved} via {@code load}) recorded after this one.
 *
 * @param references     the names the archive gives it, normalized (empty: the archive named none)
 * @param manifestDigest the digest of the image's manifest in the store
 * @param layers         its layers' diff ids (digests of the uncompressed tars), bottom first
 * @param size           its layers' size, uncompressed
 */
public record ImageLoaded(String imageId, List<String> references, String manifestDigest, List<String> layers,
                          long size, Actor actor, Instant at) implements DomainEvent {

    public ImageLoaded {
        references = references == null ? List.of() : List.copyOf(references);
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    @Override
    public Subject subject() {
        return Subject.image(imageId, references.isEmpty() ? "" : references.get(0));
    }

    @Override
    public String auditVerb() {
        return "load";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("references", references, "manifestDigest", manifestDigest, "layers", layers);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("image", "load", imageId,
                DockerMessage.pairs("name", references.isEmpty() ? imageId : references.get(0))));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId).held(false);
    }
}
