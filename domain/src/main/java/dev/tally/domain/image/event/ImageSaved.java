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
 * An image was handed to its caller in an archive ({@code docker save}); recorded before the first
 * byte leaves.
 *
 * @param references     the names it carries in the archive
 * @param manifestDigest the digest of the manifest written for it in the archive's OCI layout
 * @param layers         the digests of its layers in the archive (uncompressed tars: its diff ids), bottom first
 */
public record ImageSaved(String imageId, List<String> references, String manifestDigest, List<String> layers,
                         Actor actor, Instant at) implements DomainEvent {

    public ImageSaved {
        references = references == null ? List.of() : List.copyOf(references);
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    @Override
    public Subject subject() {
        return Subject.image(imageId, references.isEmpty() ? "" : references.get(0));
    }

    @Override
    public String auditVerb() {
        return "save";
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
        return Optional.of(new DockerMessage("image", "save", imageId,
                DockerMessage.pairs("name", references.isEmpty() ? imageId : references.get(0))));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId);
    }
}
