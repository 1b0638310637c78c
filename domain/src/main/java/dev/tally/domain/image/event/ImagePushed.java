package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image was pushed to a registry: every blob is there and the manifest is under the tag.
 *
 * @param reference      the name pushed to, normalized ({@code host:5000/team/app:v1})
 * @param registry       the registry ({@code docker.io}, {@code host:5000})
 * @param manifestDigest the digest of the manifest put
 * @param layers         the layers' blob digests, lowest first
 * @param uploaded       the blobs this push uploaded (the others were there or mounted)
 */
public record ImagePushed(String imageId, String reference, String registry, String manifestDigest,
                          List<String> layers, List<String> uploaded, Actor actor, Instant at) implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.image(imageId, reference);
    }

    @Override
    public String auditVerb() {
        return "push";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("registry", registry);
        a.put("manifest", manifestDigest);
        a.put("layers", layers);
        a.put("uploaded", uploaded);
        return a;
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("image", "push", reference, DockerMessage.pairs("name", reference)));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId);
    }
}
