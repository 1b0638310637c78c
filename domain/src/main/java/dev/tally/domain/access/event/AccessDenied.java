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
 */
public record AccessDenied(Actor actor, String action, String object, String reason, Instant at) {
}
