package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An image was imported from a root filesystem tar. */
public record ImageImported(String imageId, String reference, List<String> layers, long size, Actor actor,
                            Instant at) implements DomainEvent {
    @Override
    public Subject subject() {
        return Subject.image(imageId, reference);
    }

    @Override
    public String auditVerb() {
        return "import";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("image", "import", imageId, DockerMessage.pairs("name", reference)));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId).held(false);
    }
}
