package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The crash series' rule for an acknowledged run, on the log and {@code ps -a} as a restart leaves
 * them. The series once reported a lost run (under load, twice) that was a removal cut short by the
 * kill after the daemon had recorded it: the container was gone from {@code ps -a} with its removal
 * in the log, and the check excused only an acknowledged removal.
 */
class CrashChecksTest {

    private static final String ID = "c0ffee".repeat(10) + "abcd";

    private static CrashWorkload.Box ranAndAcknowledged() {
        CrashWorkload.Box b = new CrashWorkload.Box("cs1-2");
        b.id = ID;
        b.runAcked = true;
        return b;
    }

    private static Map<String, Integer> log(String... actions) {
        Map<String, Integer> log = new HashMap<>();
        for (String action : actions) {
            log.merge("container " + action + " " + ID, 1, Integer::sum);
        }
        return log;
    }

    @Test
    void aRemovalCutShortByTheKillAfterItWasRecordedIsNoLostRun() {
        CrashWorkload.Box b = ranAndAcknowledged();
        b.uncertain.add("rm");
        b.expect = CrashWorkload.Expect.UNKNOWN;
        List<String> problems = new ArrayList<>();
        int found = CrashChecks.acknowledgedOf(b, log("create", "start", "die", "destroy"), null, problems);
        assertEquals(List.of(), problems);
        assertEquals(1, found);
    }

    @Test
    void aContainerGoneFromPsWithoutARemovalInTheLogIsALostRun() {
        CrashWorkload.Box b = ranAndAcknowledged();
        b.uncertain.add("rm");
        b.expect = CrashWorkload.Expect.UNKNOWN;
        List<String> problems = new ArrayList<>();
        assertEquals(0, CrashChecks.acknowledgedOf(b, log("create", "start"), null, problems));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("acknowledged run of cs1-2"), problems.get(0));
        assertTrue(problems.get(0).contains("destroy 0, ps none, cut short: rm"), problems.get(0));
    }

    @Test
    void aRunWhoseStartIsMissingFromTheLogIsALostRunEvenWhileTheContainerIsListed() {
        CrashWorkload.Box b = ranAndAcknowledged();
        b.expect = CrashWorkload.Expect.RUNNING;
        List<String> problems = new ArrayList<>();
        assertEquals(0, CrashChecks.acknowledgedOf(b, log("create"), new String[] {ID, "cs1-2", "running"}, problems));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("create 1, start 0"), problems.get(0));
    }

    /**
     * The series once called an acknowledged restart lost: the container's run was cut by a kill
     * before it started (its start recorded as failed), and the restart was its first start.
     */
    @Test
    void aRestartOfARunTheKillCutBeforeItStartedIsItsFirstStart() {
        CrashWorkload.Box b = new CrashWorkload.Box("cs0-171");
        b.id = ID;
        b.uncertain.add("run");
        b.restartsAcked.incrementAndGet();
        b.restartsTried.incrementAndGet();
        b.expect = CrashWorkload.Expect.RUNNING;
        List<String> problems = new ArrayList<>();
        assertEquals(1, CrashChecks.acknowledgedOf(b, log("create", "start"), new String[] {ID, "cs0-171", "running"},
                problems));
        assertEquals(List.of(), problems);
    }

    @Test
    void anAcknowledgedRestartOfARunningContainerIsASecondStart() {
        CrashWorkload.Box b = ranAndAcknowledged();
        b.restartsAcked.incrementAndGet();
        b.expect = CrashWorkload.Expect.RUNNING;
        List<String> problems = new ArrayList<>();
        CrashChecks.acknowledgedOf(b, log("create", "start"), new String[] {ID, "cs1-2", "running"}, problems);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("1 acknowledged restarts of cs1-2")), problems.toString());
    }

    @Test
    void anAcknowledgedRemovalStillNeedsItsRecordAndTheRowGone() {
        CrashWorkload.Box b = ranAndAcknowledged();
        b.removeAcked = true;
        b.expect = CrashWorkload.Expect.REMOVED;
        List<String> problems = new ArrayList<>();
        CrashChecks.acknowledgedOf(b, log("create", "start", "die"), null, problems);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("acknowledged run of cs1-2")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("acknowledged rm of cs1-2")), problems.toString());
    }
}
