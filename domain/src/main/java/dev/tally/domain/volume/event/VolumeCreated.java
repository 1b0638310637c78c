package dev.tally.domain.volume.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A named volume was created (explicitly, or by a container that mounted it). */
public record VolumeCreated(String volumeId, String name, Map<String, String> labels, Actor actor, Instant at)
        implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.volume(volumeId, name);
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
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("volume", "create", name, DockerMessage.pairs("driver", "local")));
    }

    @Override
    public Audience audience() {
        return Audience.volume(volumeId).owned();
    }
}
