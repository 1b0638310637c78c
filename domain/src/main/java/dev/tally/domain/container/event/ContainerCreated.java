package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import dev.tally.domain.image.ImageReference;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A container was created (configuration only; nothing runs yet). */
public record ContainerCreated(String containerId, String name, dev.tally.domain.container.ContainerConfig config, String imageId, Actor actor, Instant at)
        implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.container(containerId, name, ImageReference.normalizedOrAsIs(config.image()), imageId);
    }

    @Override
    public String auditVerb() {
        return "create";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(201);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("cmd", config.cmd());
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "create", "name", name, "image", config.image()));
    }

    @Override
    public Audience audience() {
        return Audience.container(containerId).owned();
    }
}
