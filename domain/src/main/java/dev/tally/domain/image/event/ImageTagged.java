package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Optional;

/** A reference now points at this image (and at no other). */
public record ImageTagged(String imageId, String reference, Actor actor, Instant at) implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.image(imageId, reference);
    }

    @Override
    public String auditVerb() {
        return "tag";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(201);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("image", "tag", imageId, DockerMessage.pairs("name", reference)));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId).held(false);
    }
}
