package dev.tally.rest;

/**
 * How many long-lived streams one non-admin user may hold open at once (admins are not counted).
 * A stream holds no worker thread; what it holds is a connection, a subscription or a poll.
 *
 * @param eventsPerUser    {@code GET /events} streams
 * @param followersPerUser streams that follow a container's output: attach (hijacked, with or
 *                         without stdin) and {@code logs --follow}
 */
public record StreamLimits(int eventsPerUser, int followersPerUser) {

    /** 16 event streams and 64 followers per user (a compose project's {@code logs -f} follows each service). */
    public static final StreamLimits DEFAULTS = new StreamLimits(16, 64);

    public StreamLimits {
        if (eventsPerUser < 1 || followersPerUser < 1) {
            throw new IllegalArgumentException("stream limits must be positive: " + eventsPerUser + ", " + followersPerUser);
        }
    }
}
