package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code --rm} container's anonymous volume goes with it even when it ended while tallyd was
 * down: the start's reconciliation removes the container as a live exit would, volume included.
 * (The volumes' everyday life is {@code ContainerOptionsIT}'s.)
 */
class AnonymousVolumesIT {

    @Test
    void aRmContainerThatEndedDuringAnOutageTakesItsAnonymousVolumeAtTheNextStart(@BusyboxDaemon Daemon daemon)
            throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--rm", "--name", "brief", "-v", "/scratch", "busybox", "sh", "-c",
                "while [ ! -f /tmp/go ]; do sleep 0.1; done");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        String volume = daemon.docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "brief").out().strip();
        assertTrue(volume.matches("[0-9a-f]{64}"), volume);
        String kept = daemon.docker("run", "-d", "--name", "kept", "-v", "/kept", "busybox", "sleep", "300").out().strip();

        daemon.crash();
        assertEquals(0, Daemon.exec(List.of("runc", "--root", daemon.root.resolve("run/runc").toString(), "exec", id,
                "touch", "/tmp/go"), Map.of()).code());
        await().atMost(Duration.ofSeconds(20)).until(() -> java.nio.file.Files.exists(daemon.root.resolve("data/exits/" + id)));

        daemon.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !daemon.docker("ps", "-a", "--format", "{{.Names}}").out()
                .contains("brief"));
        String volumes = daemon.docker("volume", "ls", "-q").out();
        assertFalse(volumes.contains(volume), volumes);
        assertEquals(1, volumes.lines().count(), "the running container's anonymous volume stays: " + volumes);
        assertEquals(0, daemon.docker("rm", "-fv", kept).code());
        assertEquals("", daemon.docker("volume", "ls", "-q").out());
    }
}
