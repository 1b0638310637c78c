package dev.tally.rest;

/**
 * A request refused because a limit of the daemon's was reached: 429 (too many at once), 413 (too
 * large) or 408 (too slow); or because the daemon is stopping (503).
 */
final class OverLimit extends RuntimeException {

    private final int status;

    private OverLimit(int status, String message) {
        super(message);
        this.status = status;
    }

    static OverLimit tooMany(String message) {
        return new OverLimit(429, message);
    }

    static OverLimit tooLarge(String message) {
        return new OverLimit(413, message);
    }

    /** 503: the daemon takes no more requests (it is stopping). */
    static OverLimit unavailable(String message) {
        return new OverLimit(503, message);
    }

    static OverLimit timedOut(String message) {
        return new OverLimit(408, message);
    }

    int status() {
        return status;
    }
}
