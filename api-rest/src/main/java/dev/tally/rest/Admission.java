package dev.tally.rest;

import dev.tally.domain.Actor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Counts the work under way per non-admin user against {@link RequestLimits}, so that one user
 * cannot hold every worker. A request beyond a limit waits in its user's own queue (so that it does
 * not sit in front of anyone else's work); a user whose queue is full is refused at once (429).
 * Admins pass uncounted. Thread-safe.
 */
final class Admission {

    /** Where the daemon's admission sits in each request's context. */
    static final String KEY = "tally.admission";

    /** Admits everyone, uncounted (an API served without limits). */
    static final Admission UNLIMITED = new Admission(RequestLimits.DEFAULTS, caller -> true, null);

    /** What an admitted request gives back once its work is done; releasing twice releases once. */
    interface Pass {
        void release();
    }

    private static final Pass UNCOUNTED = () -> { };

    private final RequestLimits limits;
    private final Predicate<Actor> uncounted;
    private final dev.tally.domain.access.LimitRefusals refusals;
    private final Map<String, Integer> underWay = new HashMap<>();
    /** Per user, oldest first; users in the order they first queued, so that a release serves them in turn. */
    private final Map<String, Deque<Promise<Pass>>> queued = new LinkedHashMap<>();
    private int usersUnderWay;

    /** @param refusals records each refusal (429); null records none */
    Admission(RequestLimits limits, Predicate<Actor> uncounted, dev.tally.domain.access.LimitRefusals refusals) {
        this.limits = limits;
        this.uncounted = uncounted;
        this.refusals = refusals;
    }

    RequestLimits limits() {
        return limits;
    }

    /**
     * A pass for the caller's work: at once when the caller and all users are below their limits,
     * else once a place is free; failed at once with {@link OverLimit} (429) when the caller's queue
     * is full. A queued pass may complete on the thread of the release that freed its place.
     */
    Future<Pass> admit(Actor caller) {
        if (uncounted.test(caller)) {
            return Future.succeededFuture(UNCOUNTED);
        }
        String user = key(caller);
        synchronized (this) {
            Deque<Promise<Pass>> mine = queued.get(user);
            if ((mine == null || mine.isEmpty()) && free(user)) {
                return Future.succeededFuture(take(user));
            }
            if (mine != null && mine.size() >= limits.queuedPerUser()) {
                String message = "too many requests at once from " + caller.user() + ": " + limits.perUser()
                        + " under way and " + limits.queuedPerUser() + " waiting (the limits per user); retry when one has finished";
                if (refusals != null) {
                    refusals.refuse(caller, "request.admit", message); // recorded off this thread, counted per window
                }
                return Future.failedFuture(OverLimit.tooMany(message));
            }
            Promise<Pass> waiting = Promise.promise();
            queued.computeIfAbsent(user, u -> new ArrayDeque<>()).addLast(waiting);
            return waiting.future();
        }
    }

    private boolean free(String user) {
        return underWay.getOrDefault(user, 0) < limits.perUser() && usersUnderWay < limits.usersTotal();
    }

    /** Counts one more under way for the user; under the lock. */
    private Pass take(String user) {
        underWay.merge(user, 1, Integer::sum);
        usersUnderWay++;
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(user);
            }
        };
    }

    private void release(String user) {
        Promise<Pass> next = null;
        Pass pass = null;
        synchronized (this) {
            underWay.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
            usersUnderWay--;
            String served = null;
            Iterator<Map.Entry<String, Deque<Promise<Pass>>>> turn = queued.entrySet().iterator();
            while (turn.hasNext()) {
                Map.Entry<String, Deque<Promise<Pass>>> e = turn.next();
                if (e.getValue().isEmpty()) {
                    turn.remove();
                } else if (free(e.getKey())) {
                    served = e.getKey();
                    next = e.getValue().pollFirst();
                    pass = take(served);
                    break;
                }
            }
            if (served != null) {
                // the user just served goes to the back of the turn
                Deque<Promise<Pass>> rest = queued.remove(served);
                if (!rest.isEmpty()) {
                    queued.put(served, rest);
                }
            }
        }
        if (next != null) {
            next.complete(pass);
        }
    }

    private static String key(Actor caller) {
        return caller.uid() >= 0 ? "uid " + caller.uid() : "user " + caller.user();
    }

    /** Requests of this user under way now (for tests and diagnostics). */
    synchronized int underWay(Actor caller) {
        return underWay.getOrDefault(key(caller), 0);
    }

    /** Requests of this user waiting for a place now (for tests and diagnostics). */
    synchronized int waiting(Actor caller) {
        Deque<Promise<Pass>> mine = queued.get(key(caller));
        return mine == null ? 0 : mine.size();
    }
}
