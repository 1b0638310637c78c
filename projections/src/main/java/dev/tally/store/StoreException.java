package dev.tally.store;

import dev.tally.domain.DomainException;
import java.nio.file.Path;

/**
 * The event store could not do what was asked; the daemon's log gets the cause. A full disk is
 * NO_SPACE, said plainly rather than in the database's words.
 */
final class StoreException extends DomainException {

    StoreException(String what, Exception cause) {
        super(diskFull(cause) ? Kind.NO_SPACE : Kind.FAILED,
                diskFull(cause) ? noSpace(null) + " (" + what + ")" : what + ": " + cause.getMessage(), cause);
    }

    /** What a client is told when the store's disk is full. */
    static String noSpace(Path dir) {
        return "no space left on the disk of the event store" + (dir == null ? "" : " (" + dir + ")")
                + ": nothing was done or recorded; free space on that disk and try again";
    }

    /** Whether the failure, at any depth, is the disk being full (ENOSPC). */
    static boolean diskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }
}
