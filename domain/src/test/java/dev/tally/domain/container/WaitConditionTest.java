package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import org.junit.jupiter.api.Test;

class WaitConditionTest {

    @Test
    void notRunningIsMetByAnyStatusButRunningOrStarting() {
        assertTrue(WaitCondition.NOT_RUNNING.isMetBy(ContainerStatus.CREATED));
        assertTrue(WaitCondition.NOT_RUNNING.isMetBy(ContainerStatus.EXITED));
        assertTrue(WaitCondition.NOT_RUNNING.isMetBy(ContainerStatus.REMOVED));
        assertFalse(WaitCondition.NOT_RUNNING.isMetBy(ContainerStatus.RUNNING));
        assertFalse(WaitCondition.NOT_RUNNING.isMetBy(ContainerStatus.STARTING));
    }

    @Test
    void nextExitIsMetByAnExitOrARemoval() {
        assertTrue(WaitCondition.NEXT_EXIT.isMetBy(ContainerStatus.EXITED));
        assertTrue(WaitCondition.NEXT_EXIT.isMetBy(ContainerStatus.REMOVED));
        assertFalse(WaitCondition.NEXT_EXIT.isMetBy(ContainerStatus.CREATED));
    }

    @Test
    void removedIsMetByTheRemovalOnly() {
        assertTrue(WaitCondition.REMOVED.isMetBy(ContainerStatus.REMOVED));
        assertFalse(WaitCondition.REMOVED.isMetBy(ContainerStatus.EXITED));
    }

    @Test
    void onlyNotRunningCountsTheStatusAtTheStart() {
        assertTrue(WaitCondition.NOT_RUNNING.countsTheStatusAtTheStart());
        assertFalse(WaitCondition.NEXT_EXIT.countsTheStatusAtTheStart());
        assertFalse(WaitCondition.REMOVED.countsTheStatusAtTheStart());
    }

    @Test
    void noConditionOrAnEmptyOneIsNotRunning() {
        assertEquals(WaitCondition.NOT_RUNNING, WaitCondition.named(null));
        assertEquals(WaitCondition.NOT_RUNNING, WaitCondition.named(""));
    }

    @Test
    void anUnknownConditionIsInvalidInDockersWords() {
        assertEquals(WaitCondition.NEXT_EXIT, WaitCondition.named("next-exit"));
        DomainException e = assertThrows(DomainException.class, () -> WaitCondition.named("later"));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("invalid condition: \"later\"", e.getMessage());
    }
}
