package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The container's name changed from {@code oldName} to {@code newName}; the old one is free from now on. */
public record ContainerRenamed(String containerId, String oldName, String newName, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "rename";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(204);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("old_name", oldName, "new_name", newName);
    }

    /** As dockerd: the new name, and {@code oldName} with its leading slash. */
    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "rename", "name", newName, "oldName", "/" + oldName));
    }
}
