package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: tallyd's stop closed the store without waiting for Vert.x, so a request under way could
 * be cut, or answered after (or fail against) a closed store. Now a stop takes no new request (503),
 * lets those under way end with their answers and records, then closes the store.
 */
class OrderlyStopIT {

    @Test
    void aRequestUnderWayWhenTallydStopsIsAnsweredAndRecordedAndANewOneIsRefused(@BusyboxDaemon Daemon daemon)
            throws Exception {
        // sleep as a container's pid 1 has no handler for SIGTERM: the stop waits out its timeout, then kills
        assertEquals(0, daemon.docker("run", "-d", "--name", "held", "busybox", "sleep", "300").code());
        CompletableFuture<Daemon.Result> stop = CompletableFuture.supplyAsync(() -> daemon.docker("stop", "-t", "8", "held"));
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.docker("events", "--since", "0", "--until", "0s",
                "--filter", "container=held", "--format", "{{.Action}}").out().contains("stop"));

        String pid = Files.readString(daemon.root.resolve("run/tallyd.pid")).strip();
        assertEquals(0, Daemon.exec(List.of("kill", "-TERM", pid), Map.of()).code());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.log().contains("stopping: 1 requests under way"));
        Daemon.Result refused = daemon.docker("ps", "-a");
        assertTrue(refused.code() != 0 && refused.err().contains("tallyd is stopping: the request was not run"),
                "a request that comes while tallyd stops is refused, not run: " + refused.err() + refused.out());

        Daemon.Result stopped = stop.get(60, TimeUnit.SECONDS);
        assertEquals(0, stopped.code(), "the stop under way is answered: " + stopped.err() + daemon.log());
        await().atMost(Duration.ofSeconds(60)).until(daemon::ended);
        String log = daemon.log();
        assertTrue(log.contains("tallyd: stopped"), log);
        assertFalse(log.contains("request failed") || log.contains("Exception"), log);

        daemon.start();
        assertEquals("exited", daemon.docker("inspect", "--format", "{{.State.Status}}", "held").out().strip());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=held",
                "--format", "{{.Action}}");
        assertEquals(1, events.out().lines().filter("die"::equals).count(), "the exit is recorded once: " + events.out());
        assertEquals(0, daemon.tally("audit", "verify").code());
        assertEquals(0, daemon.docker("rm", "held").code());
    }
}
