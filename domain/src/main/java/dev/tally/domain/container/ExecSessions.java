package dev.tally.domain.container;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The exec sessions the daemon holds, by id, under {@link ExecLimits}: a user's open sessions (created
 * and not started, or running) are counted, a finished session is kept {@code keepFinished} after its
 * exit (at most {@code finishedPerUser} of one user's), an unstarted one {@code keepUnstarted} after
 * its creation; running sessions are never evicted. Eviction happens as sessions are added, finished
 * or looked up: no thread of its own. What each exec ran and how it ended stays in the log. Thread-safe.
 */
final class ExecSessions {

    private final ExecLimits limits;
    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        ExecSession session;
        final String owner;
        final boolean counted;
        final Instant created;
        Instant finished;

        Entry(ExecSession session, String owner, boolean counted, Instant created) {
            this.session = session;
            this.owner = owner;
            this.counted = counted;
            this.created = created;
        }

        boolean open() {
            return finished == null;
        }
    }

    ExecSessions(ExecLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    ExecLimits limits() {
        return limits;
    }

    /**
     * Adds a new session for {@code owner}; false (nothing added) when {@code counted} and the owner
     * already holds {@link ExecLimits#perUser} open sessions.
     */
    synchronized boolean add(ExecSession session, String owner, boolean counted) {
        Instant now = clock.instant();
        evict(now);
        if (counted && open(owner) >= limits.perUser()) {
            return false;
        }
        entries.put(session.id(), new Entry(session, owner, counted, now));
        return true;
    }

    /** The session, unless it is unknown or due for eviction. */
    synchronized Optional<ExecSession> find(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        if (due(e, clock.instant())) {
            entries.remove(id);
            return Optional.empty();
        }
        return Optional.of(e.session);
    }

    /** The session now runs (it stays until it finishes, however long). */
    synchronized void started(ExecSession running) {
        Entry e = entries.get(running.id());
        if (e != null) {
            e.session = running;
        }
    }

    /** The session has ended: kept for {@code keepFinished}, within its owner's {@code finishedPerUser}. */
    synchronized void finished(ExecSession ended) {
        Entry e = entries.get(ended.id());
        if (e == null) {
            return;
        }
        e.session = ended;
        e.finished = clock.instant();
        evict(e.finished);
        long kept = entries.values().stream().filter(x -> !x.open() && x.owner.equals(e.owner)).count();
        while (kept-- > limits.finishedPerUser()) {
            entries.values().stream().filter(x -> !x.open() && x.owner.equals(e.owner))
                    .min(Comparator.comparing(x -> x.finished)).ifPresent(oldest -> entries.remove(oldest.session.id()));
        }
    }

    /** Open sessions (created and not started, or running) of this owner that count against the limit. */
    synchronized int open(String owner) {
        Instant now = clock.instant();
        return (int) entries.values().stream().filter(e -> e.counted && e.open() && e.owner.equals(owner) && !due(e, now))
                .count();
    }

    /** Sessions held now, of every user (for tests and diagnostics). */
    synchronized int size() {
        evict(clock.instant());
        return entries.size();
    }

    private void evict(Instant now) {
        entries.values().removeIf(e -> due(e, now));
    }

    private boolean due(Entry e, Instant now) {
        if (e.finished != null) {
            return !now.isBefore(e.finished.plus(limits.keepFinished()));
        }
        boolean unstarted = !e.session.running();
        return unstarted && !now.isBefore(e.created.plus(limits.keepUnstarted()));
    }
}
