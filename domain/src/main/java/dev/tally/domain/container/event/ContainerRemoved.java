package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The container was removed; the record of it stays in the log.
 *
 * @param volumes whether its anonymous volumes go with it ({@code rm -v}, or {@code --rm}), which the
 *                removal does just after this is recorded (so that a start after a stop in between
 *                finishes it: {@code AnonymousVolumes}); null in a removal recorded before tallyd
 *                stored this, which does not say
 */
public record ContainerRemoved(String containerId, String name, Actor actor, Instant at, Boolean volumes)
        implements ContainerEvent {

    /** A removal as stored before it said whether its anonymous volumes went with it. */
    public ContainerRemoved(String containerId, String name, Actor actor, Instant at) {
        this(containerId, name, actor, at, null);
    }

    /** Whether the record says the container's anonymous volumes go with it. */
    public boolean takesVolumes() {
        return Boolean.TRUE.equals(volumes);
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
    public Map<String, Object> annotations() {
        return volumes == null ? Map.of() : Map.of("volumes", volumes);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "destroy"));
    }
}
