package dev.tally.store;

import dev.tally.domain.DomainException;

/** The event store could not do what was asked; the daemon's log gets the cause. */
final class StoreException extends DomainException {

    StoreException(String what, Exception cause) {
        super(Kind.FAILED, what + ": " + cause.getMessage(), cause);
    }
}
