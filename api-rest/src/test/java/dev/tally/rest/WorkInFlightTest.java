package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class WorkInFlightTest {

    @Test
    void closingWithNothingUnderWayIsDrainedAtOnce() {
        assertTrue(new WorkInFlight().close().toCompletableFuture().isDone());
    }

    @Test
    void theStopWaitsForTheWorkUnderWayAndTakesNoNewWork() {
        WorkInFlight work = new WorkInFlight();
        assertTrue(work.enter());
        CompletionStage<Void> drained = work.close();
        assertFalse(drained.toCompletableFuture().isDone(), "a request under way is let finish");
        assertFalse(work.enter(), "no new work once stopping");
        assertEquals(1, work.running());
        work.exit();
        assertTrue(drained.toCompletableFuture().isDone());
    }

    /** A stop's answer waits for its container's exit after its work returned: the store must outlive that wait. */
    @Test
    void aWaitHandedOnByWorkUnderWayIsWaitedForToo() {
        WorkInFlight work = new WorkInFlight();
        CompletableFuture<Void> exit = new CompletableFuture<>();
        assertTrue(work.enter());
        CompletionStage<Void> drained = work.close();
        work.holdUntil(exit);
        work.exit();
        assertFalse(drained.toCompletableFuture().isDone(), "the wait still runs");
        exit.complete(null);
        assertTrue(drained.toCompletableFuture().isDone());
    }

    @Test
    void theRefusalIsA503ThatSaysNothingWasRun() {
        assertEquals(503, ErrorMapper.status(WorkInFlight.stopping()));
        assertTrue(WorkInFlight.stopping().getMessage().contains("not run"));
    }
}
