package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** kill -9 of tallyd with containers running: they live on, and the log catches up at restart. */
class CrashRecoveryIT {

    @Test
    void containersOutliveACrashAndExitsDuringTheOutageAreRecorded(@BusyboxDaemon Daemon daemon) throws Exception {
        Daemon.Result survivor = daemon.tally("run", "-d", "--name", "survivor", "busybox", "sleep", "300");
        assertEquals(0, survivor.code(), survivor.err() + daemon.log());
        Daemon.Result shortLived = daemon.tally("run", "-d", "--name", "short", "busybox", "sh", "-c",
                "while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 7");
        assertEquals(0, shortLived.code(), shortLived.err() + daemon.log());

        daemon.crash();
        // While tallyd is down, 'short' is told to finish; its monitor records the exit.
        assertEquals(0, Daemon.exec(java.util.List.of("runc", "--root", daemon.root.resolve("run/runc").toString(),
                "exec", idOf(daemon, "short"), "touch", "/tmp/go"), java.util.Map.of()).code());
        await().atMost(Duration.ofSeconds(20)).until(() -> java.nio.file.Files.exists(
                daemon.root.resolve("data/exits/" + idOf(daemon, "short"))));

        daemon.start();
        Daemon.Result ps = daemon.tally("ps", "-a", "--format", "{{.Names}} {{.Status}}");
        assertTrue(ps.out().contains("survivor Up"), ps.out());
        assertTrue(ps.out().contains("short Exited (7)"), ps.out() + daemon.log());
        Daemon.Result events = daemon.tally("events", "--since", "0", "--until", "0s", "--filter", "container=short");
        assertTrue(events.out().contains(" die ") && events.out().contains("exitCode=7"), events.out());
        assertEquals(0, daemon.tally("stop", "-t", "1", "survivor").code(), "an adopted container can be stopped");
        await().atMost(Duration.ofSeconds(10)).until(() -> daemon.tally("ps", "-a", "--format", "{{.Names}} {{.State}}")
                .out().contains("survivor exited"));
    }

    /**
     * Issue 11: killed while containers were being started and were ending, tallyd refused to come
     * back ("cannot record a failed start … it is exited"): its reconciler decided from a list read
     * before the exits the monitors reported meanwhile. Three kills at different points of a stream
     * of short runs; after each restart every acknowledged container is known and the log verifies.
     */
    @Test
    void tallydComesBackAfterAKillDuringAStreamOfShortRuns(@BusyboxDaemon Daemon daemon) throws Exception {
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        ExecutorService runs = Executors.newSingleThreadExecutor();
        try {
            for (int round = 1; round <= 3; round++) {
                int killAt = acknowledged.size() + 2 * round;
                Future<?> stream = runs.submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        Daemon.Result run = daemon.docker("run", "-d", "busybox", "sh", "-c", "sleep 0.3");
                        if (run.code() != 0) {
                            return; // the daemon was killed under it
                        }
                        acknowledged.add(run.out().strip());
                    }
                });
                await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= killAt || stream.isDone());
                daemon.crash();
                stream.get(120, TimeUnit.SECONDS);
                daemon.start();
                Daemon.Result ps = daemon.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}");
                for (String id : acknowledged) {
                    assertTrue(ps.out().contains(id), "round " + round + ": " + id + " is lost\n" + ps.out() + daemon.log());
                }
            }
        } finally {
            runs.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.docker("ps", "-q").out().isBlank());
        Daemon.Result verify = daemon.tally("audit", "verify");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertFalse(daemon.log().contains("recovering container"), daemon.log());
    }

    private static String idOf(Daemon daemon, String name) throws java.io.IOException {
        try (var dirs = java.nio.file.Files.list(daemon.root.resolve("data/containers"))) {
            for (var dir : dirs.toList()) {
                String cfg = java.nio.file.Files.readString(dir.resolve("config.json"));
                if (cfg.contains(name.equals("short") ? "exit 7" : "sleep")) {
                    return dir.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no container " + name);
    }
}
