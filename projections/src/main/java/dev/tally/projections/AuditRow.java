package dev.tally.projections;

import java.time.Instant;

/**
 * One audit record: the columns it is searched by, and the whole record as JSON.
 *
 * @param seq       the event's sequence number in the log (its global index)
 * @param action    {@code container.start}, {@code image.import}, … (resource, dot, verb)
 * @param outcome   {@code requested} (an intent; its outcome is a later record), {@code success},
 *                  {@code failure} or {@code denied}
 * @param code      the HTTP-like status of the outcome (202 for an intent)
 */
record AuditRow(long seq, Instant at, String username, int uid, String action, String resource, String objectId,
                String objectName, String containerId, String containerName, String image, String imageId,
                boolean denied, String outcome, int code, String doc) {
}
