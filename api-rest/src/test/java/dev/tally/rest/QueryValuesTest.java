package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueryValuesTest {

    @Test
    void absentOrEmptyIsTheDefault() {
        assertEquals(-1, QueryValues.integer("t", null, -1));
        assertEquals(-1, QueryValues.integer("t", "", -1));
        assertNull(QueryValues.instant("since", "", false));
    }

    @Test
    void anOverflowingNumberIsInvalidNotAFailure() {
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> QueryValues.integer("limit", "99999999999", 0)).kind());
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> QueryValues.longInteger("from", "99999999999999999999", 0)).kind());
    }

    @Test
    void aTimeBeyondWhatAnInstantHoldsIsInvalidNotAFailure() {
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> QueryValues.instant("since", "31556889864403200", false)).kind());
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> Rfc3339.unixSeconds("1e300")).kind());
    }

    @Test
    void anUpperBoundInWholeSecondsIsTheWholeSecond() {
        assertEquals(Instant.ofEpochSecond(10, 999_999_999), QueryValues.instant("until", "10", true));
        assertEquals(Instant.ofEpochSecond(10, 500_000_000), QueryValues.instant("since", "10.5", false));
    }
}
