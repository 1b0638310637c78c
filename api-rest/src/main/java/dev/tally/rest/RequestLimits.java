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
 * @param bodyBytes  the largest request body read into memory (JSON bodies)
 * @param uploadBytes the largest upload streamed to disk (an image import's archive, as sent)
 * @param keepFreeBytes free space an upload must leave on the data root's disk, which holds the event store
 */
public record RequestLimits(int perUser, int queuedPerUser, int usersTotal, long bodyBytes, long uploadBytes,
                            long keepFreeBytes) {

    /**
     * Vert.x's worker pool has 20 threads: users together may hold 16, each of them 8, with 64 more
     * waiting; bodies up to 4 MiB (a create body is a few KiB); uploads up to 8 GiB, leaving 1 GiB free.
     */
    public static final RequestLimits DEFAULTS = new RequestLimits(8, 64, 16, 4L << 20, 8L << 30, 1L << 30);

    public RequestLimits {
        if (perUser < 1 || queuedPerUser < 0 || usersTotal < 1 || bodyBytes < 1 || uploadBytes < 1 || keepFreeBytes < 0) {
            throw new IllegalArgumentException("request limits must be positive: " + perUser + ", " + queuedPerUser + ", " + usersTotal
                    + ", " + bodyBytes + ", " + uploadBytes + ", " + keepFreeBytes);
        }
    }
}
