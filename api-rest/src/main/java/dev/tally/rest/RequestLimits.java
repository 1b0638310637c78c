package dev.tally.rest;

/**
 * How much of the daemon one caller may hold at once. Admins (as the daemon's policy says) are not
 * counted: what the users together may hold is what is left for them.
 *
 * @param perUser    requests of one non-admin user whose work is under way at once (waits that hold
 *                   no thread, such as a stop's, and streams once they stream, do not count)
 * @param queuedPerUser requests of one non-admin user that may wait for a place beyond {@code perUser};
 *                   beyond those the user is refused (429)
 * @param usersTotal such requests of all non-admin users together; below the worker pool's size, so
 *                   that admins always find a worker
 * @param bodyBytes  the largest request body read into memory (JSON bodies); an image import streams
 *                   to disk under limits of its own
 */
public record RequestLimits(int perUser, int queuedPerUser, int usersTotal, long bodyBytes) {

    /**
     * Vert.x's worker pool has 20 threads: users together may hold 16, each of them 8, with 64 more
     * waiting; bodies up to 4 MiB (a create body is a few KiB).
     */
    public static final RequestLimits DEFAULTS = new RequestLimits(8, 64, 16, 4L * 1024 * 1024);

    public RequestLimits {
        if (perUser < 1 || queuedPerUser < 0 || usersTotal < 1 || bodyBytes < 1) {
            throw new IllegalArgumentException("request limits must be positive: " + perUser + ", " + queuedPerUser + ", " + usersTotal
                    + ", " + bodyBytes);
        }
    }
}
