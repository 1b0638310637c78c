package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

class TimeOrderedIdentifiersTest {

    @Test
    void axonGivesEventsTheseIdentifiers() {
        assertInstanceOf(TimeOrderedIdentifiers.class, IdentifierFactory.getInstance());
        String id = GenericEventMessage.asEventMessage("x").getIdentifier();
        assertEquals(7, UUID.fromString(id).version(), id);
    }

    @Test
    void eachIdentifierSortsAfterTheOneBeforeAndNoneRepeats() {
        TimeOrderedIdentifiers ids = new TimeOrderedIdentifiers();
        Set<String> seen = new HashSet<>();
        String previous = ids.generateIdentifier();
        for (int i = 0; i < 100_000; i++) {
            String next = ids.generateIdentifier();
            assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
            assertTrue(seen.add(next), next);
            previous = next;
        }
    }

    @Test
    void anIdentifierIsAVersion7UuidOfItsMillisecond() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(new TimeOrderedIdentifiers().generateIdentifier());
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        long millis = id.getMostSignificantBits() >>> 16;
        assertTrue(millis >= before && millis <= System.currentTimeMillis() + 1, Long.toHexString(millis));
    }
}
