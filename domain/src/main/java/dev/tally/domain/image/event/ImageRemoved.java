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
 * The image is gone ({@code docker rmi}, {@code docker image prune}): no reference points at it any
 * more, no container uses it, and its content may be collected.
 *
 * @param layers its layers' digests, for the record
 * @param via    {@code rmi} or {@code prune}
 */
public record ImageRemoved(String imageId, List<String> layers, String via, Actor actor, Instant at)
        implements DomainEvent {

    public ImageRemoved {
        layers = layers == null ? List.of() : List.copyOf(layers);
        via = via == null ? "" : via;
    }

    @Override
    public Subject subject() {
        return Subject.image(imageId, "");
    }

    @Override
    public String auditVerb() {
        return "remove";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("layers", layers, "via", via);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("image", "delete", imageId, DockerMessage.pairs("name", imageId)));
    }

    @Override
    public Audience audience() {
        return Audience.image(imageId).gone();
    }
}
