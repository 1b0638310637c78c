package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attaching with stdin puts the caller's input into a container's process, as exec does, so it is
 * recorded as exec is: bob (granted alice's container) attaches with stdin through the docker CLI,
 * and the audit log says so; an attach without stdin adds nothing.
 */
class StdinAttachIT {

    @BusyboxDaemon(beforeStart = UsersOnly.class)
    private static Daemon daemon;

    /** alice and bob, members of group tally. */
    static final class UsersOnly implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            HostUsers.group("tally");
            HostUsers.user("alice", "tally");
            HostUsers.user("bob", "tally");
            Daemon.exec(List.of("chmod", "0755", unstarted.root.toString()), Map.of());
        }
    }

    private static Daemon.Result docker(String user, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket), cmd);
    }

    private static List<String> attachRecords() {
        Daemon.Result log = daemon.tally("audit", "log", "--action", "attach", "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().toList();
    }

    @Test
    void anAttachWithStdinToAGrantedContainerIsRecordedWithWhoAttached() {
        Daemon.Result run = docker("alice", "run", "-di", "--name", "alice-cat", "busybox", "cat");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        assertEquals(0, daemon.tally("grant", "alice-cat", "bob").code());

        // bob's stdin is /dev/null: cat reads its end and exits, and the attach with it
        Daemon.Result attach = docker("bob", "attach", "alice-cat");
        assertEquals(0, attach.code(), attach.err());
        List<String> records = attachRecords();
        assertEquals(1, records.size(), records.toString());
        assertTrue(records.get(0).contains("\"bob\"") && records.get(0).contains(id), records.get(0));

        Daemon.Result quiet = docker("alice", "run", "-d", "--name", "alice-sleep", "busybox", "sleep", "2");
        assertEquals(0, quiet.code(), quiet.err());
        Daemon.Result readOnly = docker("alice", "attach", "--no-stdin", "alice-sleep");
        assertEquals(0, readOnly.code(), readOnly.err());
        assertEquals(records, attachRecords(), "an attach without stdin is not recorded");
        Daemon.Result events = docker("bob", "events", "--since", "0", "--until", "0s", "--filter", "event=attach");
        assertTrue(events.out().contains("container attach " + id), events.out());
    }
}
