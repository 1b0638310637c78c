package dev.tally.store;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.IdentifierFactory;

/**
 * The identifiers Axon gives its messages, events included (found by Axon through {@code ServiceLoader}):
 * UUIDs of version 7 (RFC 9562), the time in milliseconds first, so that each new event's identifier
 * sorts after the ones before it. The event table's unique index on identifiers then takes each new
 * one in its last leaf, which the commit before rewrote anyway, instead of in a random leaf of some old
 * chunk of the store file: with random (version 4) UUIDs every append rewrote an old leaf and left its
 * chunk partly dead (issue 12). An identifier is still a UUID string of 36 characters; stored events
 * do not change shape, and the old ones keep theirs.
 *
 * <p>Unique: the 48 bits of milliseconds and 12 bits counting within one are strictly increasing in this
 * process (a clock that steps back is not followed), and 62 more bits are random.
 */
public final class TimeOrderedIdentifiers extends IdentifierFactory {

    private static final long VERSION_7 = 0x7000L;
    private static final long VARIANT = 0x8000_0000_0000_0000L;
    private final SecureRandom random = new SecureRandom();
    /** The milliseconds (high bits) and the counter within them (low 12 bits) of the last identifier. */
    private final AtomicLong last = new AtomicLong();

    @Override
    public String generateIdentifier() {
        long stamp = last.updateAndGet(previous -> Math.max(previous + 1, System.currentTimeMillis() << 12));
        long high = (stamp >>> 12) << 16 | VERSION_7 | (stamp & 0xFFF);
        long low = VARIANT | random.nextLong() >>> 2;
        return new UUID(high, low).toString();
    }
}
