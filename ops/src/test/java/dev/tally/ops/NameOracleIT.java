package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 5: names are one space for everyone (an admin's {@code docker exec web} must mean
 * one container), so bob asking for a name alice holds is a conflict, as a clash with his own would
 * be; it names neither her nor her object, tells him nothing more than that the name is taken, and
 * is recorded, so that probing for names shows in the audit. alice's objects are untouched.
 */
class NameOracleIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    /** Whether the audit log holds a refusal of bob's: this action, on an object of this name, with this status. */
    private static boolean bobWasRefused(String action, String name, int status) {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", "bob", "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().anyMatch(l -> l.contains("\"action\":\"" + action + "\"")
                && l.contains("\"name\":\"" + name + "\"") && l.contains("\"code\":" + status + ","));
    }

    @Test
    void aContainerNameAnotherUserHoldsIsAConflictThatSaysNoMoreAndIsRecorded() {
        Daemon.Result alices = users.docker("alice", "run", "-d", "--name", "oracle-web", "busybox", "sleep", "300");
        assertEquals(0, alices.code(), alices.err());
        String id = alices.out().strip();

        Daemon.Result taken = users.docker("bob", "create", "--name", "oracle-web", "busybox", "true");
        assertEquals(1, taken.code());
        assertTrue(taken.err().contains("\"/oracle-web\" is already in use by another user's container"), taken.err());
        assertFalse(taken.err().contains(id.substring(0, 12)) || taken.err().contains("alice"), taken.err());
        assertTrue(bobWasRefused("container.create", "oracle-web", 409));

        Daemon.Result bobs = users.docker("bob", "create", "--name", "oracle-bob", "busybox", "true");
        assertEquals(0, bobs.code(), bobs.err());
        Daemon.Result own = users.docker("bob", "create", "--name", "oracle-bob", "busybox", "true");
        assertTrue(own.err().contains("is already in use by container \"" + bobs.out().strip() + "\""), own.err());
        assertFalse(bobWasRefused("container.create", "oracle-bob", 409), "a clash with one's own is no refusal");

        Daemon.Result running = users.docker("alice", "inspect", "-f", "{{.Id}} {{.State.Running}}", "oracle-web");
        assertEquals(id + " true", running.out().strip(), running.err());
        assertEquals(0, users.docker("alice", "rm", "-f", "oracle-web").code());
        Daemon.Result freed = users.docker("bob", "create", "--name", "oracle-web", "busybox", "true");
        assertEquals(0, freed.code(), "a removed container's name is free for anyone: " + freed.err());
        assertEquals(0, users.docker("bob", "rm", "oracle-web", "oracle-bob").code());
    }

    @Test
    void aVolumeNameAnotherUserHoldsIsAConflictThatSaysNoMoreAndIsRecorded() {
        assertEquals(0, users.docker("alice", "volume", "create", "oracle-vol").code());
        assertEquals(0, users.docker("alice", "run", "--rm", "-v", "oracle-vol:/d", "busybox", "sh", "-c",
                "echo alice > /d/note").code());

        Daemon.Result taken = users.docker("bob", "volume", "create", "oracle-vol");
        assertTrue(taken.code() != 0, taken.out());
        assertTrue(taken.err().contains("in use by another user's volume"), taken.err());
        assertFalse(taken.err().contains("alice"), taken.err());
        Daemon.Result mount = users.docker("bob", "run", "--rm", "-v", "oracle-vol:/d", "busybox", "cat", "/d/note");
        assertEquals(125, mount.code(), mount.out());
        assertTrue(bobWasRefused("volume.create", "oracle-vol", 409));

        Daemon.Result alices = users.docker("alice", "run", "--rm", "-v", "oracle-vol:/d", "busybox", "cat", "/d/note");
        assertEquals("alice\n", alices.out(), alices.err());
        assertEquals(0, users.docker("alice", "volume", "rm", "oracle-vol").code());
    }
}
