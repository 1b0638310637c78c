package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.runtime.CgroupHierarchy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: tallyd killed in a start, between runc creating the container under its monitor and the
 * container's program being let go (runc's FIFO). A real tallyd halts at that moment (as a kill -9
 * there: {@code -Dtally.test.haltAt}), leaving runc's state "created" and the monitor alive; after
 * the restart the log says what the host holds, and nothing of an undone start is left.
 */
class StartCutShortIT {

    private static final String SLEEP = "4711";

    /**
     * The program never ran: the start is recorded as failed with why, the waiting process, its
     * monitor, runc's state, the mount and the cgroup are gone, and the container starts again.
     * Before, the reconciler took the monitor for one about to report an exit and the container
     * stayed starting until removed.
     */
    @Test
    void aStartCutAfterRuncCreatedItIsRecordedAsFailedAndNothingOfItIsLeft(@BusyboxDaemon Daemon daemon)
            throws Exception {
        String id = cutStart(daemon, "start.created", "cut");
        String initPid = runcState(daemon, id, "pid");
        assertEquals("created", runcState(daemon, id, "status"), "the crash left runc's container created");
        assertTrue(cmdline(initPid).matches("(/usr/s?bin/)?runc init"), "its program never ran: " + cmdline(initPid));
        assertTrue(conmonOf(daemon, id), "and its monitor alive");

        daemon.haltingAt(null).start();
        Daemon.Result inspect = daemon.docker("inspect", "--format", "{{.State.Status}}|{{.State.Error}}", "cut");
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().strip().startsWith("created|the daemon stopped while starting it, after the runtime"
                + " had created the container and before its program ran"), inspect.out() + daemon.log());
        Daemon.Result audit = daemon.tally("audit", "log", "--container", id, "--action", "container.start", "--format",
                "json");
        assertTrue(audit.out().contains("\"outcome\":\"failure\"") && audit.out().contains("tallyd"), audit.out());
        assertFalse(Files.exists(Path.of("/proc", initPid)), "the waiting process is ended");
        assertFalse(conmonOf(daemon, id), "its monitor too");
        assertFalse(Files.exists(daemon.root.resolve("run/runc/" + id)), "runc's state is deleted");
        assertFalse(Files.readString(Path.of("/proc/mounts")).contains(daemon.root.resolve("data/containers/" + id)
                .toString()), "its root filesystem is unmounted");
        assertEquals(List.of(), CgroupHierarchy.host().container(id).directories(), "its cgroups are removed");
        assertFalse(Files.exists(daemon.root.resolve("data/exits/" + id)), "no exit is left to be reported");

        assertEquals(0, daemon.docker("start", "cut").code(), "it starts again");
        assertEquals("running", daemon.docker("inspect", "--format", "{{.State.Status}}", "cut").out().strip());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=cut",
                "--format", "{{.Action}}");
        assertFalse(events.out().contains("die"), "the ended waiting process is no exit of the container: "
                + events.out());
        assertEquals(0, daemon.docker("rm", "-f", "cut").code());
    }

    /**
     * The program runs: the dead daemon had let it go (the init wrote its byte) and not yet removed
     * runc's FIFO, so runc still says "created". It is recorded as started, with its pid, and is a
     * running container like any other (paused, stopped). Before, it stayed starting while it ran,
     * its process one that {@code ps} did not show running.
     */
    @Test
    void aStartCutAfterItsProgramWasLetGoIsRecordedAsStartedAndRunsAsAnyOther(@BusyboxDaemon Daemon daemon)
            throws Exception {
        String id = cutStart(daemon, "start.fifo-read", "letgo");
        String pid = runcState(daemon, id, "pid");
        assertEquals("created", runcState(daemon, id, "status"), "the crash left runc's FIFO");
        assertEquals("sleep " + SLEEP, cmdline(pid), "while its program runs");

        daemon.haltingAt(null).start();
        Daemon.Result inspect = daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "letgo");
        assertEquals("running " + pid, inspect.out().strip(), inspect.err() + daemon.log());
        assertEquals("running", runcState(daemon, id, "status"));
        Daemon.Result ps = daemon.docker("ps", "--filter", "name=letgo", "--format", "{{.State}}");
        assertEquals("running", ps.out().strip());
        assertEquals(0, daemon.docker("pause", "letgo").code(), "runc pauses it");
        assertEquals(0, daemon.docker("unpause", "letgo").code());
        Daemon.Result stop = daemon.docker("stop", "-t", "1", "letgo");
        assertEquals(0, stop.code(), stop.err());
        assertFalse(Files.exists(Path.of("/proc", pid)));
        assertEquals(0, daemon.docker("rm", "letgo").code());
    }

    /**
     * The program ran and ended before the restart (the crash series: a {@code run --rm} cut by a
     * kill): its exit is recorded, and its start before it, by tallyd. Before, the log went from
     * starting to exited, and {@code /events} had a {@code die} with no {@code start}.
     */
    @Test
    void aStartCutAfterItsProgramWasLetGoAndEndedIsRecordedAsStartedThenExited(@BusyboxDaemon Daemon daemon)
            throws Exception {
        Daemon.Result create = daemon.docker("create", "--name", "brief", "busybox", "sh", "-c", "exit 3");
        assertEquals(0, create.code(), create.err());
        String id = create.out().strip();
        daemon.stop();
        daemon.haltingAt("start.fifo-read").start();
        assertTrue(daemon.docker("start", "brief").code() != 0, "the start is cut");
        await().atMost(Duration.ofSeconds(30)).until(daemon::ended);
        assertTrue(daemon.log().contains("halted at start.fifo-read"), daemon.log());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(daemon.root.resolve("data/exits/" + id)));

        daemon.haltingAt(null).start();
        Daemon.Result inspect = daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "brief");
        assertEquals("exited 3", inspect.out().strip(), inspect.err() + daemon.log());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=brief",
                "--format", "{{.Action}} {{index .Actor.Attributes \"tally.user\"}}");
        assertEquals(List.of("create root", "start tallyd", "die tallyd"), events.out().strip().lines().toList(),
                daemon.log());
        assertEquals(0, daemon.docker("rm", "brief").code());
    }

    /** Creates the container, restarts tallyd halting at {@code point}, and starts it: tallyd dies there. */
    private static String cutStart(Daemon daemon, String point, String name) throws Exception {
        Daemon.Result create = daemon.docker("create", "--name", name, "busybox", "sleep", SLEEP);
        assertEquals(0, create.code(), create.err());
        daemon.stop();
        daemon.haltingAt(point).start();
        Daemon.Result start = daemon.docker("start", name);
        assertTrue(start.code() != 0, "the start is cut: " + start.out());
        await().atMost(Duration.ofSeconds(30)).until(daemon::ended);
        assertTrue(daemon.log().contains("halted at " + point), daemon.log());
        return create.out().strip();
    }

    private static String runcState(Daemon daemon, String id, String field) {
        Daemon.Result state = Daemon.exec(List.of("runc", "--root", daemon.root.resolve("run/runc").toString(), "state",
                id), Map.of());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\": *\"?([^\",]*)").matcher(state.out());
        return m.find() ? m.group(1).strip() : "(no state: " + state.err().strip() + ")";
    }

    private static String cmdline(String pid) throws IOException {
        return Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ').strip();
    }

    private static boolean conmonOf(Daemon daemon, String id) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).anyMatch(p -> {
                try {
                    return Files.readString(p.resolve("comm")).strip().equals("conmon")
                            && Files.readString(p.resolve("cmdline")).contains(id);
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }
}
