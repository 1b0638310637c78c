package dev.tally.domain.access;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.event.AccessDenied;
import java.time.Instant;
import org.axonframework.eventhandling.gateway.EventGateway;

/**
 * Decides who may do what, and records every refusal. Called by the use cases (the command and
 * query side), never by an HTTP filter, so every edge gets the same answers.
 */
public class AccessControl {

    static final int MAX_RECORDED = 512;

    private final EventGateway events;
    private final AccessPolicy policy;

    public AccessControl(EventGateway events, AccessPolicy policy) {
        this.events = events;
        this.policy = policy;
    }

    public AccessPolicy policy() {
        return policy;
    }

    public boolean isAdmin(Actor actor) {
        return policy.isAdmin(actor);
    }

    /** Refuses non-admins with a 403 (recorded). */
    public void requireAdmin(Actor actor, String action, String object) {
        if (!isAdmin(actor)) {
            throw deny(actor, action, object, action + " is for admins only",
                    new DomainException(DomainException.Kind.DENIED,
                            "authorization denied: " + action + " is for tally admins only"));
        }
    }

    /**
     * Records an {@link AccessDenied} and returns the answer to throw. The event is stored in a unit
     * of work of its own: call this before any command of the refused request was sent. A name the
     * caller gives is validated (INVALID, not recorded) before this is called; the object and reason
     * are recorded {@link #bounded}.
     *
     * @param answer what the caller is told: DENIED (403), or NOT_FOUND (404) for objects the caller
     *               may not know exist
     */
    public DomainException deny(Actor actor, String action, String object, String reason, DomainException answer) {
        int status = switch (answer.kind()) {
            case NOT_FOUND -> 404;
            case INVALID -> 400;
            case CONFLICT -> 409;
            case LIMITED -> 429;
            default -> 403;
        };
        events.publish(new AccessDenied(actor, action, bounded(object == null ? "" : object), bounded(reason),
                Instant.now(), status));
        return answer;
    }

    /**
     * What a refusal records from the request (a reference, an option's value) is the client's text:
     * kept as it came, for the record, but at most {@value #MAX_RECORDED} characters of it, so that
     * a refused request cannot make the log grow by more than it. Outputs escape it.
     */
    static String bounded(String text) {
        if (text == null || text.length() <= MAX_RECORDED) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(MAX_RECORDED - 1)) ? MAX_RECORDED - 1 : MAX_RECORDED;
        return text.substring(0, cut) + "… (" + (text.length() - cut) + " more characters)";
    }
}
