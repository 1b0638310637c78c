package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 8: who is an admin is decided at every request from the groups the account has
 * now and the caller's process holds, not from the process alone. A process may carry a group the
 * account no longer has (a shell that logged in before an admin removed the user from
 * tally-admin: here made with setpriv) and must not be an admin by it; a process that dropped
 * tally-admin is not one either. The probe is {@code docker create --privileged}: 403 for a user,
 * created for an admin.
 */
class GroupMembershipIT {

    private static final String USER = "tally-it-grace";

    @BusyboxDaemon(beforeStart = Users.class)
    private static Daemon daemon;

    /** The shared users, and grace, a member of tally only. */
    static final class Users implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            new SharedHostUsers.Made().prepare(unstarted);
            HostUsers.user(USER, "tally");
            Daemon.exec(List.of("gpasswd", "-d", USER, "tally-admin"), Map.of()); // from an earlier run
        }
    }

    /** docker create --privileged as grace, in a process that holds exactly these groups. */
    private static Daemon.Result privilegedAs(String groups, String name) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", USER, "--regid", USER, "--groups", groups,
                "--", "docker", "create", "--privileged", "--name", name, "busybox", "true"));
        return Daemon.exec(cmd, Map.of("DOCKER_HOST", "unix://" + daemon.socket, "HOME", "/home/" + USER));
    }

    private static void gpasswd(String flag) {
        Daemon.Result r = Daemon.exec(List.of("gpasswd", flag, USER, "tally-admin"), Map.of());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aGroupTheAccountDoesNotHaveMakesNoAdminThoughTheProcessHoldsIt() {
        Daemon.Result claimed = privilegedAs("tally,tally-admin", "groups-claimed");
        assertEquals(1, claimed.code(), claimed.out());
        assertTrue(claimed.err().contains("authorization denied: --privileged is for tally admins only"), claimed.err());
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", USER, "--format", "json");
        assertTrue(log.out().contains("groups-claimed"), "recorded: " + log.out());
    }

    @Test
    void membershipCountsFromTheNextRequestAndOnlyWhileTheProcessHoldsIt() {
        gpasswd("-a");
        try {
            Daemon.Result admin = privilegedAs("tally,tally-admin", "groups-admin");
            assertEquals(0, admin.code(), admin.err());
            Daemon.Result dropped = privilegedAs("tally", "groups-dropped");
            assertEquals(1, dropped.code(), dropped.out());
            assertTrue(dropped.err().contains("authorization denied"), dropped.err());
        } finally {
            gpasswd("-d");
        }
        Daemon.Result removed = privilegedAs("tally,tally-admin", "groups-removed");
        assertTrue(removed.err().contains("authorization denied"), "removed from tally-admin: no admin at once: "
                + removed.err());
        assertEquals(0, daemon.docker("rm", "groups-admin").code());
    }
}
