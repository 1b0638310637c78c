package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An exit is tied to the run it ends, not to its container alone. A real tallyd: a container runs,
 * is stopped, and runs again; tallyd is restarted (its watcher's memory of what it reported goes); the
 * first run's exit is then reported once more, as conmon's exit file of that run (its code, its time)
 * put back where conmon writes exits. Before, the report was taken for the second run's end: the
 * second run was recorded as exited and released (ended by runc's delete) while it ran. Two guards
 * stand in the way, either suffices here: the runtime passes on no exit of a process the host says
 * runs, and the log refuses an exit of another run than its own (its pid, its time; the domain's
 * tests hold that rule alone).
 */
class LateExitIT {

    @Test
    void anEarlierRunsExitReportedAgainLeavesTheRunThatGoesOnAlone(@BusyboxDaemon Daemon daemon) throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "twice", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        assertEquals(0, daemon.docker("stop", "-t", "1", "twice").code());
        String[] first = daemon.docker("inspect", "--format", "{{.State.ExitCode}} {{.State.FinishedAt}}", "twice")
                .out().strip().split(" ");
        assertEquals(0, daemon.docker("start", "twice").code());
        String pid = inspect(daemon, "{{.State.Pid}}");
        daemon.stop();
        daemon.start();

        Path exits = daemon.root.resolve("data/exits");
        Path file = daemon.root.resolve("data/replayed-exit");
        Files.writeString(file, first[0]);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(first[1])));
        Files.move(file, exits.resolve(id), StandardCopyOption.ATOMIC_MOVE);
        try {
            // refused by the runtime (the host says the process runs) or by the log (an earlier run's pid and time)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> daemon.log().contains("container " + id + ": a late report of an earlier run's end")
                            || daemon.log().contains("container " + id + ": an exit (" + first[0]));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("tallyd said nothing of the late report: " + daemon.log()
                    + inspect(daemon, "{{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}"), e);
        }

        assertEquals("true " + pid, inspect(daemon, "{{.State.Running}} {{.State.Pid}}"), daemon.log());
        assertEquals(1, dies(daemon), "one end recorded, the first run's");
        assertEquals("running", runcStatus(daemon, id), "the run that goes on was not released");

        assertEquals(0, daemon.docker("stop", "-t", "1", "twice").code());
        assertEquals("false 137", inspect(daemon, "{{.State.Running}} {{.State.ExitCode}}"));
        assertEquals(2, dies(daemon), "the second run's own end is recorded as any other");
    }

    /**
     * An exit file written while the container runs (put back with the time of now, so that neither
     * its time nor its pid tells it from a true end) is no end of the run: the host says its process
     * runs. Before, it was recorded and the run released.
     */
    @Test
    void anExitReportedWhileTheProcessRunsIsNoEndOfIt(@BusyboxDaemon Daemon daemon) throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "twice", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        String pid = inspect(daemon, "{{.State.Pid}}");
        Path file = daemon.root.resolve("data/put-exit");
        Files.writeString(file, "137");
        Files.move(file, daemon.root.resolve("data/exits/" + id), StandardCopyOption.ATOMIC_MOVE);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> daemon.log().contains("container " + id + ": an exit (137"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("tallyd said nothing of the exit: " + daemon.log()
                    + inspect(daemon, "{{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}"), e);
        }
        assertEquals("true " + pid, inspect(daemon, "{{.State.Running}} {{.State.Pid}}"), daemon.log());
        assertEquals(0, dies(daemon));
        assertEquals("running", runcStatus(daemon, id));
        assertEquals(0, daemon.docker("stop", "-t", "1", "twice").code());
        assertEquals("false 137", inspect(daemon, "{{.State.Running}} {{.State.ExitCode}}"));
        assertEquals(1, dies(daemon));
    }

    private static String inspect(Daemon daemon, String format) {
        Daemon.Result r = daemon.docker("inspect", "--format", format, "twice");
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    private static long dies(Daemon daemon) {
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=twice",
                "--format", "{{.Action}}");
        return events.out().lines().filter(a -> a.strip().equals("die")).count();
    }

    private static String runcStatus(Daemon daemon, String id) {
        Daemon.Result state = Daemon.exec(java.util.List.of("runc", "--root", daemon.root.resolve("run/runc").toString(),
                "state", id), java.util.Map.of());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"status\":\\s*\"([a-z]+)\"").matcher(state.out());
        return m.find() ? m.group(1) : state.out() + state.err();
    }
}
