package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.access.LimitRefusals;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Counts each non-admin user's open streams against {@link StreamLimits}: one more beyond a limit is
 * refused (429, recorded through {@link LimitRefusals}). Admins pass uncounted. Thread-safe.
 */
final class UserStreams {

    /** Where the daemon's stream counts sit in each request's context. */
    static final String KEY = "tally.streams";

    /** Counts nothing (an API served without limits). */
    static final UserStreams UNLIMITED = new UserStreams(StreamLimits.DEFAULTS, caller -> true, null);

    enum Kind {
        EVENTS("events.stream", "event streams"),
        FOLLOWER("container.follow", "attach and logs --follow streams"),
        /** {@code docker stats} without --no-stream: as many per user as followers. */
        STATS("container.stats", "stats streams");

        final String action;
        final String words;

        Kind(String action, String words) {
            this.action = action;
            this.words = words;
        }
    }

    /** What an opened stream gives back when it ends; closing twice closes once. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final Held UNCOUNTED = () -> { };

    private final StreamLimits limits;
    private final Predicate<Actor> uncounted;
    private final LimitRefusals refusals;
    private final Map<String, Integer> open = new HashMap<>();

    UserStreams(StreamLimits limits, Predicate<Actor> uncounted, LimitRefusals refusals) {
        this.limits = limits;
        this.uncounted = uncounted;
        this.refusals = refusals;
    }

    /**
     * One more stream of this kind for the caller; close what it returns when the stream ends.
     *
     * @throws dev.tally.domain.DomainException LIMITED (recorded) beyond the caller's limit
     */
    Held open(Actor caller, Kind kind) {
        if (uncounted.test(caller)) {
            return UNCOUNTED;
        }
        String key = (caller.uid() >= 0 ? "uid " + caller.uid() : "user " + caller.user()) + " " + kind;
        int limit = kind == Kind.EVENTS ? limits.eventsPerUser() : limits.followersPerUser();
        synchronized (this) {
            int now = open.getOrDefault(key, 0);
            if (now >= limit) {
                throw refusals.refuse(caller, kind.action, "too many " + kind.words + " of " + caller.user() + " at once: "
                        + limit + " open (the limit per user); close one first");
            }
            open.put(key, now + 1);
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                synchronized (this) {
                    open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
                }
            }
        };
    }

    /** Streams of this kind the caller holds now (for tests and diagnostics). */
    synchronized int held(Actor caller, Kind kind) {
        return open.getOrDefault((caller.uid() >= 0 ? "uid " + caller.uid() : "user " + caller.user()) + " " + kind, 0);
    }
}
