package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The grantee's grant was taken back: the container is hidden from them again. */
public record ContainerAccessRevoked(String containerId, Grantee grantee, Actor actor, Instant at)
        implements DomainEvent {

    @Override
    public Subject subject() {
        return Subject.container(containerId);
    }

    @Override
    public String auditVerb() {
        return "revoke";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("grantee", grantee.user());
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "revoke", "grantee", grantee.user(), "granteeUid",
                Integer.toString(grantee.uid())));
    }

    @Override
    public Audience audience() {
        return Audience.container(containerId).revoking(grantee);
    }
}
