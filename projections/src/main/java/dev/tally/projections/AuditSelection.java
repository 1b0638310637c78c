package dev.tally.projections;

import dev.tally.domain.audit.query.AuditFilter;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An audit query's criteria as a test of block entries: the user, action and refusal as given; a
 * container as the spans it ever had (by their first sequence numbers); an image as its records and
 * the spans of the containers made from it.
 */
final class AuditSelection {

    private final AuditFilter filter;
    private final String action;
    private long fromSeq;
    private long toSeq = Long.MAX_VALUE;
    private Set<Long> containerSpans;
    private String imageRef;
    private String imageIdPrefix;
    private Set<Long> imageSpans;

    AuditSelection(AuditFilter filter) {
        this.filter = filter;
        this.fromSeq = Math.max(0, filter.fromSeq());
        String a = filter.action();
        this.action = a == null || a.isEmpty() ? null : a.contains(".") ? a : "." + a;
    }

    /** Only records of these container spans ({first, last} each); false when there is none. */
    boolean inContainers(List<long[]> spans) {
        if (spans.isEmpty()) {
            return false;
        }
        containerSpans = new HashSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (long[] span : spans) {
            containerSpans.add(span[0]);
            first = Math.min(first, span[0]);
            last = Math.max(last, span[1]);
        }
        fromSeq = Math.max(fromSeq, first);
        toSeq = Math.min(toSeq, last);
        return true;
    }

    /**
     * Only records of this image: its own (by normalized reference, or by id prefix of 4 hex digits
     * or more) and those of the containers made from it (their spans).
     */
    void ofImage(String ref, String idPrefix, List<long[]> spans) {
        imageRef = ref;
        imageIdPrefix = idPrefix.length() >= 11 ? idPrefix : null;
        imageSpans = new HashSet<>();
        spans.forEach(span -> imageSpans.add(span[0]));
    }

    long fromSeq() {
        return fromSeq;
    }

    long toSeq() {
        return toSeq;
    }

    Instant since() {
        return filter.since();
    }

    Instant until() {
        return filter.until();
    }

    boolean matches(AuditBlock.Entry e) {
        if (e.seq() < fromSeq || e.seq() > toSeq) {
            return false;
        }
        if (filter.user() != null && !filter.user().isEmpty() && !filter.user().equals(e.user())) {
            return false;
        }
        if (action != null && !(action.startsWith(".") ? e.action().endsWith(action) : e.action().equals(action))) {
            return false;
        }
        if (filter.deniedOnly() && !e.denied()) {
            return false;
        }
        if (containerSpans != null && !containerSpans.contains(e.spanSeq())) {
            return false;
        }
        if (imageRef != null && !(e.image().equals(imageRef) || imageIdPrefix != null && e.imageId().startsWith(imageIdPrefix)
                || imageSpans.contains(e.spanSeq()))) {
            return false;
        }
        return (filter.since() == null || !e.at().isBefore(filter.since()))
                && (filter.until() == null || !e.at().isAfter(filter.until()));
    }
}
