package dev.tally.rest;

import dev.tally.domain.Actor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Counts the work under way per non-admin user against {@link RequestLimits}, so that one user
 * cannot hold every worker: a user over a limit is refused at once (429), never queued. Admins pass
 * uncounted. Thread-safe.
 */
final class Admission {

    /** Where the daemon's admission sits in each request's context. */
    static final String KEY = "tally.admission";

    /** Admits everyone, uncounted (an API served without limits). */
    static final Admission UNLIMITED = new Admission(RequestLimits.DEFAULTS, caller -> true);

    /** What an admitted request gives back once its work is done; releasing twice releases once. */
    interface Pass {
        void release();
    }

    private final RequestLimits limits;
    private final Predicate<Actor> uncounted;
    private final Map<String, Integer> underWay = new HashMap<>();
    private int usersUnderWay;

    Admission(RequestLimits limits, Predicate<Actor> uncounted) {
        this.limits = limits;
        this.uncounted = uncounted;
    }

    RequestLimits limits() {
        return limits;
    }

    /** A pass for the caller's work; {@link OverLimit} (429) when the caller or all users hold their limit. */
    Pass admit(Actor caller) {
        if (uncounted.test(caller)) {
            return () -> { };
        }
        String user = caller.uid() >= 0 ? "uid " + caller.uid() : "user " + caller.user();
        synchronized (this) {
            int mine = underWay.getOrDefault(user, 0);
            if (mine >= limits.perUser()) {
                throw OverLimit.tooMany("too many requests at once from " + caller.user() + ": " + limits.perUser()
                        + " are under way (the limit per user); retry when one has finished");
            }
            if (usersUnderWay >= limits.usersTotal()) {
                throw OverLimit.tooMany("the daemon is busy: users' requests under way reached the limit of "
                        + limits.usersTotal() + "; retry shortly");
            }
            underWay.put(user, mine + 1);
            usersUnderWay++;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(user);
            }
        };
    }

    private synchronized void release(String user) {
        underWay.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        usersUnderWay--;
    }

    /** Requests of this user under way now (for tests and diagnostics). */
    synchronized int underWay(Actor caller) {
        return underWay.getOrDefault(caller.uid() >= 0 ? "uid " + caller.uid() : "user " + caller.user(), 0);
    }
}
