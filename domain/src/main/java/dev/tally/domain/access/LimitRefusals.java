package dev.tally.domain.access;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.event.AccessDenied;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Records the requests refused because their user holds as much of the daemon as one user may (a
 * 429), as {@link AccessDenied} events with status 429, without letting a flood of refusals flood the
 * log: per user and action, the first refusal of a window is recorded at once, the rest of that
 * window are counted and recorded as one more event when the window has passed ("refused N more
 * times since …"). So every refusal is on the record, and one user adds at most two events per
 * action and window. Recording runs on the executor given (never on the caller's thread, which may
 * be an event loop); {@link #flushDue} must be called now and then (tallyd: every second).
 * Thread-safe.
 */
public final class LimitRefusals {

    /** The window over which one user's refusals of one action are counted into one event. */
    public static final Duration WINDOW = Duration.ofSeconds(10);

    private final Consumer<AccessDenied> record;
    private final Executor recorder;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Counted> counted = new HashMap<>();

    /** One user's refusals of one action in the current window. */
    private static final class Counted {
        final Instant since;
        Actor actor;
        String reason;
        int more;

        Counted(Instant since, Actor actor, String reason) {
            this.since = since;
            this.actor = actor;
            this.reason = reason;
        }
    }

    public LimitRefusals(Consumer<AccessDenied> record, Executor recorder, Clock clock, Duration window) {
        this.record = record;
        this.recorder = recorder;
        this.clock = clock;
        this.window = window;
    }

    /** Refusals published through {@code events}, each on {@code recorder}, counted over {@link #WINDOW}. */
    public static LimitRefusals publishedBy(org.axonframework.eventhandling.gateway.EventGateway events, Executor recorder) {
        return new LimitRefusals(events::publish, recorder, Clock.systemUTC(), WINDOW);
    }

    /**
     * Records (or counts) that {@code actor} was refused {@code action} over a limit and returns the
     * answer to throw: LIMITED (429) with {@code message}, which says which limit and what to do.
     */
    public DomainException refuse(Actor actor, String action, String message) {
        Instant now = clock.instant();
        String key = (actor.uid() >= 0 ? "uid " + actor.uid() : "user " + actor.user()) + " " + action;
        AccessDenied first = null;
        AccessDenied summary = null;
        synchronized (this) {
            Counted c = counted.get(key);
            if (c != null && !now.isBefore(c.since.plus(window))) {
                summary = summary(action, c);
                counted.remove(key);
                c = null;
            }
            if (c == null) {
                counted.put(key, new Counted(now, actor, message));
                first = new AccessDenied(actor, action, "", AccessControl.bounded(message), now, 429);
            } else {
                c.more++;
                c.actor = actor;
                c.reason = message;
            }
        }
        publish(summary);
        publish(first);
        return DomainException.limited(message);
    }

    /** Records the counts of every window that has passed. */
    public void flushDue() {
        Instant now = clock.instant();
        List<AccessDenied> due = new java.util.ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<String, Counted>> it = counted.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Counted> e = it.next();
                Counted c = e.getValue();
                if (!now.isBefore(c.since.plus(window))) {
                    String key = e.getKey();
                    AccessDenied s = summary(key.substring(key.lastIndexOf(' ') + 1), c);
                    if (s != null) {
                        due.add(s);
                    }
                    it.remove();
                }
            }
        }
        due.forEach(this::publish);
    }

    private AccessDenied summary(String action, Counted c) {
        if (c.more == 0) {
            return null;
        }
        String reason = c.reason + " (refused " + c.more + " more time" + (c.more == 1 ? "" : "s") + " since " + c.since
                + ", after the one recorded then)";
        return new AccessDenied(c.actor, action, "", AccessControl.bounded(reason), clock.instant(), 429);
    }

    private void publish(AccessDenied event) {
        if (event != null) {
            recorder.execute(() -> record.accept(event));
        }
    }
}
