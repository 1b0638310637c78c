package dev.tally.domain.access.event;

import dev.tally.domain.Actor;
import java.time.Instant;

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
public record AccessDenied(Actor actor, String action, String object, String reason, Instant at, Integer status) {

    public AccessDenied(Actor actor, String action, String object, String reason, Instant at) {
        this(actor, action, object, reason, at, null);
    }

    /** The status the caller was given; 403 for events stored before it was recorded. */
    public int statusOr403() {
        return status == null ? 403 : status;
    }
}
