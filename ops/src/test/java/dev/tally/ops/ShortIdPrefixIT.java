package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundary of issue 10's reference rule (docs/security.md, "References and names"), across
 * users: a name of 12 or more hex digits is refused and a reference of 12 or more tries ids first;
 * a name of fewer is anyone's to give and, typed, is found before an id prefix (Docker's order), but
 * only among the objects the typist may see, and not at all when it is hex digits that another visible
 * object's id begins with: then it names neither.
 */
class ShortIdPrefixIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    private static String idOf(String user, String reference) {
        Daemon.Result r = users.docker(user, "inspect", "-f", "{{.Id}}", reference);
        assertEquals(0, r.code(), user + " " + reference + ": " + r.err());
        return r.out().strip();
    }

    @Test
    void elevenDigitsAreAName12AreAnIdAndAUsersNameNeverReachesAnotherUser() {
        Daemon.Result alices = users.docker("alice", "create", "busybox", "true");
        assertEquals(0, alices.code(), alices.err());
        String alice = alices.out().strip();
        String eleven = alice.substring(0, 11);
        String twelve = alice.substring(0, 12);

        Daemon.Result refused = users.docker("bob", "create", "--name", twelve, "busybox", "true");
        assertTrue(refused.err().contains("Invalid container name (" + twelve + ")"), refused.err());
        Daemon.Result bobs = users.docker("bob", "create", "--name", eleven, "busybox", "true");
        assertEquals(0, bobs.code(), "11 hex digits are a name anyone may give: " + bobs.err());
        String bob = bobs.out().strip();

        assertEquals(alice, idOf("alice", eleven), "bob's name is not in alice's sight: her prefix finds hers");
        assertEquals(alice, idOf("alice", twelve));
        assertEquals(bob, idOf("bob", eleven));
        Daemon.Result admins = users.docker("carol", "inspect", "-f", "{{.Id}}", eleven);
        assertTrue(admins.code() != 0 && admins.err().contains("No such"),
                "an admin sees both: bob's hex name must not capture alice's prefix, nor the reverse: " + admins.out() + admins.err());
        assertEquals(bob, idOf("carol", bob.substring(0, 12)), "bob's own id still finds his");
        assertEquals(alice, idOf("carol", twelve), "from 12 digits on, ids come first");
        assertEquals(0, users.docker("alice", "rm", alice).code());
        assertEquals(0, users.docker("bob", "rm", bob).code());
    }
}
