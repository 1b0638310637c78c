package dev.tally.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The system clock in the local time zone, which it looks up only when first
 * asked: finding the zone reads the time-zone database, and most commands only
 * need the current instant, if anything.
 */
final class LocalClock extends Clock {

    private ZoneId zone;

    @Override
    public ZoneId getZone() {
        if (zone == null) {
            zone = ZoneId.systemDefault();
        }
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return Clock.system(newZone);
    }

    @Override
    public Instant instant() {
        return Clock.systemUTC().instant();
    }
}
