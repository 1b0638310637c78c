package dev.tally.domain.access.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import dev.tally.domain.image.ImageReference;
import java.time.Instant;
import java.util.Optional;

/**
 * A request was refused by authorization. Stored like every other fact, so the audit shows the
 * attempts and not only what succeeded.
 *
 * @param action what was asked, as a verb: {@code container.stop}, {@code audit.verify}
 * @param object what it was asked on ({@code container/web}, {@code image/busybox}); empty if none
 * @param reason why it was refused, in words
 * @param status the HTTP status the caller was given: 403, or 404 when the object is hidden from them
 *               (no existence leak); null in events stored before this field, which were all 403s
 *               as far as the log can tell
 */
public record AccessDenied(Actor actor, String action, String object, String reason, Instant at, Integer status)
        implements DomainEvent {

    public AccessDenied(Actor actor, String action, String object, String reason, Instant at) {
        this(actor, action, object, reason, at, null);
    }

    /** The status the caller was given; 403 for events stored before it was recorded. */
    public int statusOr403() {
        return status == null ? 403 : status;
    }

    /**
     * The refused action's resource ({@code container.stop}: container) with the object named as the
     * caller named it ({@code container/web}: web); a container's reference is resolved by the
     * reader, an image's normalized. The name a refused {@code container.create} asked for is a new
     * name, never a reference: it is kept as asked and not resolved, so a name that spells another
     * container's id is not recorded as that container.
     */
    @Override
    public Subject subject() {
        int dot = action.indexOf('.');
        String resource = dot > 0 ? action.substring(0, dot) : action;
        int slash = object.indexOf('/');
        String named = slash >= 0 ? object.substring(slash + 1) : object;
        if (object.startsWith("container/") && action.equals("container.create")) {
            return new Subject(resource, "", named, "", "", Subject.Container.NAMED);
        }
        if (object.startsWith("container/")) {
            return new Subject(resource, "", named, "", "", Subject.Container.REFERENCED);
        }
        String image = object.startsWith("image/") ? ImageReference.normalizedOrAsIs(named) : "";
        return new Subject(resource, "", named, image, "", Subject.Container.NONE);
    }

    @Override
    public String auditVerb() {
        int dot = action.indexOf('.');
        return dot > 0 ? action.substring(dot + 1) : "";
    }

    @Override
    public Outcome outcome() {
        return Outcome.denied(statusOr403(), reason);
    }

    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(new DockerMessage("tally", "access-denied", object,
                DockerMessage.pairs("action", action, "reason", reason)));
    }

    @Override
    public Audience audience() {
        return Audience.actorOnly();
    }
}
