package dev.tally.domain.audit.query;

import java.time.Instant;

/**
 * Which audit records to answer; null (or false, or 0) leaves a criterion out.
 *
 * @param user      the caller's user name
 * @param container a container's full id, id prefix or name (any container that ever had it)
 * @param image     an image reference or id (prefix)
 * @param action    an action ({@code container.start}) or its verb alone ({@code start})
 * @param deniedOnly only refused requests
 * @param since     records at or after this time
 * @param until     records at or before this time
 * @param fromSeq   records with this sequence number or a later one
 * @param limit     at most this many records (0: all)
 * @param level     how much of each request to show, as Kubernetes' audit policy levels: METADATA
 *                  (who, what, on which object, outcome) or REQUEST (that and the request itself:
 *                  the stored event, as {@code requestObject})
 */
public record AuditFilter(String user, String container, String image, String action, boolean deniedOnly,
                          Instant since, Instant until, long fromSeq, int limit, Level level) {

    /** Kubernetes' audit levels that make sense for a log kept whole: every body is in the log. */
    public enum Level { METADATA, REQUEST }

    public AuditFilter {
        level = level == null ? Level.METADATA : level;
    }

    /** Everything from a sequence number on, for an export. */
    public static AuditFilter from(long seq, Level level) {
        return new AuditFilter(null, null, null, null, false, null, null, seq, 0, level);
    }
}
