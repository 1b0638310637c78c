package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ExecSession;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.event.ContainerExecExitUnknown;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerRemoved;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The execs' read model on H2: how each exec ended, until its container is removed, live and rebuilt from the log alike. */
class ExecProjectionTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 2, "unix:pid=2");
    private static final Actor DAEMON = new Actor(0, 0, "tallyd", 1, "daemon");
    private static final Instant T = Instant.parse("2026-12-05T06:00:00Z");
    private static final ExecSpec SLEEP = new ExecSpec(List.of("sleep", "300"), false, "", "", List.of());

    private static void feed(ExecProjection execs) {
        execs.on(new ContainerExecStarted("c1", "done", SLEEP, ALICE, T));
        execs.on(new ContainerExecExited("c1", "done", 3, DAEMON, T.plusSeconds(1)));
        execs.on(new ContainerExecStarted("c1", "cut", SLEEP, ALICE, T.plusSeconds(2)));
        execs.on(new ContainerExecExitUnknown("c1", "cut", "the daemon stopped while the exec ran", DAEMON,
                T.plusSeconds(3)));
        execs.on(new ContainerExecStarted("c1", "runs", SLEEP, ALICE, T.plusSeconds(4)));
        // a removed container's execs go with it, ended or running when it went
        execs.on(new ContainerExecStarted("c2", "gone-done", SLEEP, ALICE, T.plusSeconds(5)));
        execs.on(new ContainerExecExited("c2", "gone-done", 0, DAEMON, T.plusSeconds(6)));
        execs.on(new ContainerExecStarted("c2", "gone-running", SLEEP, ALICE, T.plusSeconds(7)));
        execs.on(new ContainerRemoved("c2", "/gone", ALICE, T.plusSeconds(8)));
        execs.on(new ContainerRemoved("c3", "/no-execs", ALICE, T.plusSeconds(9)));
    }

    private static void assertAsTheLogHasThem(ExecProjection execs) {
        ExecSession done = execs.find("done").orElseThrow();
        assertEquals("c1", done.containerId());
        assertFalse(done.running());
        assertEquals(3, done.exitCode());
        assertEquals("", done.error());
        assertEquals(SLEEP, done.spec());
        ExecSession cut = execs.find("cut").orElseThrow();
        assertFalse(cut.running());
        assertEquals(-1, cut.exitCode());
        assertEquals("exit code unknown: the daemon stopped while the exec ran", cut.error());
        ExecSession runs = execs.find("runs").orElseThrow();
        assertTrue(runs.running());
        assertEquals(null, runs.exitCode());
        assertTrue(execs.find("never-started").isEmpty());
        assertTrue(execs.find("gone-done").isEmpty(), "an ended exec of a removed container");
        assertTrue(execs.find("gone-running").isEmpty(), "a running exec of a removed container");
    }

    @Test
    void eachExecIsKeptWithHowItEnded() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:exec-projection-live")) {
            ExecProjection execs = new ExecProjection(new OneConnection(c));
            execs.createSchema();
            feed(execs);
            assertAsTheLogHasThem(execs);
        }
    }

    @Test
    void aRebuildFromTheLogKeepsTheSame() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:exec-projection-rebuilt")) {
            c.setAutoCommit(false);
            RebuildStorage storage = new RebuildStorage(c, "");
            ExecProjection rebuilt = new ExecProjection(new OneConnection(c), storage);
            rebuilt.createMissingTables();
            feed(rebuilt);
            storage.flush();
            c.commit();
            assertAsTheLogHasThem(new ExecProjection(new OneConnection(c)));
        }
    }
}
