package dev.tally.rest;

import java.time.Duration;

/**
 * How the daemon holds its clients' connections.
 *
 * @param idle       a connection with no request in flight (none sent yet, or the last one answered)
 *                   and no byte either way for this long is closed; a request in flight (a stop's or
 *                   a wait's answer, {@code /events}, {@code logs -f}) and a hijacked connection (attach,
 *                   exec start) are never idle, however long they are silent. Zero: never.
 * @param perUser    connections one non-admin user may hold open at once; beyond it the connection's
 *                   first request is answered 429 (recorded) and the connection closed
 * @param usersTotal connections all non-admin users together may hold; admins are never refused
 */
public record ConnectionLimits(Duration idle, int perUser, int usersTotal) {

    /** 60 s idle (Go's and urllib3's clients drop a pooled connection the server closed); 64 per user; 1024 in all. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(Duration.ofSeconds(60), 64, 1024);

    public ConnectionLimits {
        if (idle.isNegative() || perUser < 1 || usersTotal < 1) {
            throw new IllegalArgumentException("connection limits must be positive: " + idle + ", " + perUser + ", " + usersTotal);
        }
    }
}
