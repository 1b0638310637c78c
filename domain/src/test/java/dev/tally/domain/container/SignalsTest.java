package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void namesWithOrWithoutSigInAnyCaseAndNumbersOneToSixtyFourAreSignals() {
        for (String s : new String[] {"SIGTERM", "TERM", "term", "SigUsr1", "SIGRTMIN", "RTMIN+3", "SIGRTMIN+15", "RTMAX-1",
                "SIGRTMAX-14", "RTMAX", "CLD", "IOT", "1", "15", "64"}) {
            assertTrue(Signals.isValid(s), s);
        }
    }

    /** What a runtime is sent: the number, as dockerd numbers them (runc knows no real-time names, nor CLD, IOT, POLL). */
    @Test
    void eachSignalHasItsLinuxNumber() {
        java.util.Map<String, Integer> expected = java.util.Map.of("SIGTERM", 15, "usr1", 10, "KILL", 9, "RTMIN", 34,
                "SIGRTMIN+3", 37, "RTMAX-1", 63, "RTMAX", 64, "CLD", 17, "IOT", 6, "7", 7);
        expected.forEach((name, number) -> assertEquals(java.util.OptionalInt.of(number), Signals.number(name), name));
        assertEquals(java.util.OptionalInt.empty(), Signals.number("SIGNOPE"));
    }

    @Test
    void anythingElseIsDockerdsInvalidSignal() {
        for (String s : new String[] {"", "SIG", "SIGFOO", "0", "65", "100", "-9", "RTMIN+16", "RTMAX-15", "RTMIN+0", "TERM ",
                "SIGTERM;KILL", "USR3"}) {
            assertFalse(Signals.isValid(s), s);
        }
        DomainException e = assertThrows(DomainException.class, () -> Signals.requireValid("SIGFOO"));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("Invalid signal: SIGFOO", e.getMessage());
    }
}
