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
 * An image was pulled from a registry and is stored whole; the reference now points at it.
 *
 * @param reference      the name pulled, normalized ({@code busybox:latest}, {@code host:5000/app@sha256:…})
 * @param registry       the registry it came from ({@code docker.io}, {@code host:5000})
 * @param manifestDigest the digest of the image manifest stored (for a manifest list: the entry chosen)
 * @param layers         the layers' blob digests as the manifest names them, lowest first
 * @param authenticated  whether the registry was given the caller's credentials
 */
public record ImagePulled(String imageId, String reference, String registry, String manifestDigest,
                          List<String> layers, long size, boolean authenticated, Actor actor, Instant at)
        implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.image(imageId, reference);
    }

    @Override
    public String auditVerb() {
        return "pull";
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
        a.put("authenticated", String.valueOf(authenticated));
        return a;
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        int colon = reference.lastIndexOf(':');
        int at = reference.indexOf('@');
        String name = at >= 0 ? reference.substring(0, at)
                : colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
        return Optional.of(new DockerMessage("image", "pull", reference, DockerMessage.pairs("name", name)));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId).held(!authenticated);
    }
}
