package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.Actor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 1, "unix:pid=1");
    private static final Actor BOB = new Actor(1001, 1001, "bob", 2, "unix:pid=2");
    private static final Actor CAROL = new Actor(1002, 1002, "carol", 3, "unix:pid=3");
    private static final Actor ROOT = new Actor(0, 0, "root", 4, "unix:pid=4");

    private final Admission admission = new Admission(new RequestLimits(2, 3, 100), caller -> caller.uid() == 0);

    @Test
    void aUserBeyondTheirLimitIsRefusedWith429() {
        admission.admit(ALICE);
        admission.admit(ALICE);
        OverLimit e = assertThrows(OverLimit.class, () -> admission.admit(ALICE));
        assertEquals(429, e.status());
        assertEquals(429, ErrorMapper.status(e));
    }

    @Test
    void anotherUserIsAdmittedWhileOneHoldsTheirLimit() {
        admission.admit(ALICE);
        admission.admit(ALICE);
        admission.admit(BOB);
        assertEquals(1, admission.underWay(BOB));
    }

    @Test
    void usersTogetherAreHeldToTheTotalAndAdminsPassUncounted() {
        admission.admit(ALICE);
        admission.admit(ALICE);
        admission.admit(BOB);
        assertThrows(OverLimit.class, () -> admission.admit(CAROL));
        List<Admission.Pass> admins = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            admins.add(admission.admit(ROOT));
        }
        assertEquals(0, admission.underWay(ROOT));
    }

    @Test
    void aReleasedPassFreesItsPlaceOnceHoweverOftenReleased() {
        Admission.Pass first = admission.admit(ALICE);
        admission.admit(ALICE);
        first.release();
        first.release();
        admission.admit(ALICE);
        assertThrows(OverLimit.class, () -> admission.admit(ALICE));
        assertEquals(2, admission.underWay(ALICE));
    }
}
