package dev.tally.domain.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessControlTest {

    @Test
    void whatARefusalRecordsFromTheRequestIsKeptAsItCameWhenShort() {
        String text = "container/a\u001b[2J";
        assertSame(text, AccessControl.bounded(text));
    }

    @Test
    void whatARefusalRecordsFromTheRequestIsBounded() {
        String recorded = AccessControl.bounded("x".repeat(100_000));
        assertTrue(recorded.length() < AccessControl.MAX_RECORDED + 40, String.valueOf(recorded.length()));
        assertTrue(recorded.startsWith("x".repeat(AccessControl.MAX_RECORDED)));
        assertTrue(recorded.endsWith("… (" + (100_000 - AccessControl.MAX_RECORDED) + " more characters)"), recorded);
    }

    @Test
    void aBoundNeverSplitsACharacter() {
        String text = "x".repeat(AccessControl.MAX_RECORDED - 1) + "😀" + "y".repeat(10);
        String recorded = AccessControl.bounded(text);
        assertEquals("x".repeat(AccessControl.MAX_RECORDED - 1) + "… (12 more characters)", recorded);
    }
}
