package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 1, "unix:pid=1");
    private static final Actor BOB = new Actor(1001, 1001, "bob", 2, "unix:pid=2");
    private static final Actor CAROL = new Actor(1002, 1002, "carol", 3, "unix:pid=3");
    private static final Actor ROOT = new Actor(0, 0, "root", 4, "unix:pid=4");

    /** 2 under way per user and 1 waiting, 3 for all users together. */
    private final Admission admission = new Admission(new RequestLimits(2, 1, 3, 100, 100, 0), caller -> caller.uid() == 0, null);

    private Admission.Pass pass(Actor caller) {
        Future<Admission.Pass> f = admission.admit(caller);
        assertTrue(f.succeeded(), caller.user() + " admitted at once");
        return f.result();
    }

    @Test
    void aUserBeyondTheirLimitWaitsAndBeyondTheirQueueIsRefusedWith429() {
        pass(ALICE);
        pass(ALICE);
        Future<Admission.Pass> waiting = admission.admit(ALICE);
        assertFalse(waiting.isComplete());
        Future<Admission.Pass> refused = admission.admit(ALICE);
        assertTrue(refused.failed());
        assertEquals(429, ErrorMapper.status(refused.cause()));
        assertTrue(refused.cause().getMessage().contains("alice"));
    }

    @Test
    void aWaitingRequestIsAdmittedWhenItsUsersPlaceIsFreed() {
        Admission.Pass first = pass(ALICE);
        pass(ALICE);
        Future<Admission.Pass> waiting = admission.admit(ALICE);
        first.release();
        assertTrue(waiting.succeeded());
        assertEquals(2, admission.underWay(ALICE));
        assertEquals(0, admission.waiting(ALICE));
    }

    @Test
    void anotherUserIsAdmittedAtOnceWhileOneHoldsTheirLimit() {
        pass(ALICE);
        pass(ALICE);
        admission.admit(ALICE);
        pass(BOB);
        assertEquals(1, admission.underWay(BOB));
    }

    @Test
    void usersTogetherAreHeldToTheTotalAndAdminsPassUncounted() {
        pass(ALICE);
        pass(ALICE);
        Admission.Pass bobs = pass(BOB);
        Future<Admission.Pass> carols = admission.admit(CAROL);
        assertFalse(carols.isComplete());
        for (int i = 0; i < 50; i++) {
            pass(ROOT);
        }
        assertEquals(0, admission.underWay(ROOT));
        bobs.release();
        assertTrue(carols.succeeded());
    }

    @Test
    void aFreedPlaceGoesToTheUsersInTurn() {
        Admission.Pass a1 = pass(ALICE);
        Admission.Pass a2 = pass(ALICE);
        Admission.Pass b1 = pass(BOB);
        Future<Admission.Pass> bobWaits = admission.admit(BOB);
        Future<Admission.Pass> carolWaits = admission.admit(CAROL);
        a1.release();
        assertTrue(bobWaits.succeeded());
        assertFalse(carolWaits.isComplete());
        a2.release();
        assertTrue(carolWaits.succeeded());
        b1.release();
    }

    @Test
    void aReleasedPassFreesItsPlaceOnceHoweverOftenReleased() {
        Admission.Pass first = pass(ALICE);
        pass(ALICE);
        first.release();
        first.release();
        pass(ALICE);
        assertFalse(admission.admit(ALICE).isComplete());
        assertEquals(2, admission.underWay(ALICE));
    }
}
