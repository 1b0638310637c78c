package dev.tally.domain.image.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A reference (name:tag, normalized) now points at {@code toImageId}, and its actor owns it from now on
 * (only they or an admin may move it again).
 *
 * @param fromImageId the image it pointed at before, or empty when the reference is new
 * @param via         what moved it: {@code tag}, {@code import}, {@code pull}, {@code load}, {@code commit}
 */
public record ImageReferenceMoved(String toImageId, String reference, String fromImageId, String via, Actor actor,
                                  Instant at) implements DomainEvent {

    public ImageReferenceMoved {
        fromImageId = fromImageId == null ? "" : fromImageId;
        via = via == null ? "" : via;
    }

    @Override
    public Subject subject() {
        return Subject.image(toImageId, reference);
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
    public Map<String, Object> annotations() {
        return Annotations.of("from", fromImageId, "via", via);
    }

    /** Docker's "tag" for {@code docker tag}; the other verbs have their own message (pull, import, load). */
    @Override
    public Optional<DockerMessage> dockerMessage() {
        return via.equals("tag")
                ? Optional.of(new DockerMessage("image", "tag", toImageId, DockerMessage.pairs("name", reference)))
                : Optional.empty();
    }

    @Override
    public Audience audience() {
        return Audience.image(toImageId);
    }
}
