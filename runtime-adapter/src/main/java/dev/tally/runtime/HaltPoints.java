package dev.tally.runtime;

/**
 * Moments a test can stop the daemon at, as a {@code kill -9} there would: a daemon started with
 * {@code -Dtally.test.haltAt=NAME} halts (no shutdown hook, nothing flushed) when it reaches the
 * point {@code NAME}, leaving the host exactly as a crash at that moment leaves it. No real run sets
 * the property; then a point costs one string comparison.
 */
final class HaltPoints {

    /** In a start: runc has created the container under its monitor; its program waits to be let go. */
    static final String START_CREATED = "start.created";
    /** In a start: the container's init wrote its byte to runc's FIFO and runs its program; the FIFO is still there. */
    static final String START_FIFO_READ = "start.fifo-read";
    /** In a removal of a container's host side (its bundle, mount, process): nothing of it removed yet. */
    static final String REMOVE = "remove";
    /** In a commit: the container's upper layer is about to be read (frozen, unless the commit said not to). */
    static final String COMMIT_READ = "commit.read";

    /** In a create: the first file of an image's content is copied into a volume; the rest is not. */
    static final String COPY_UP = "copy-up";

    private static final String AT = System.getProperty("tally.test.haltAt", "");

    private HaltPoints() {
    }

    static void reach(String point) {
        if (AT.equals(point)) {
            System.err.println("tallyd: halted at " + point + " (-Dtally.test.haltAt, a test's crash)");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
