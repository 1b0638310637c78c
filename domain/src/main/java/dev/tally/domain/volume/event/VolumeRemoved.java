package dev.tally.domain.volume.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Optional;

/** A volume and its data were removed. */
public record VolumeRemoved(String volumeId, String name, Actor actor, Instant at) implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.volume(volumeId, name);
    }

    @Override
    public String auditVerb() {
        return "remove";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(204);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("volume", "destroy", name, DockerMessage.pairs("driver", "local")));
    }

    @Override
    public Audience audience() {
        return Audience.volume(volumeId);
    }
}
