package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The layer that shifts an image's files into a remapped user's range (made when they first run the
 * image, under remap/) lives as long as the image's record: it was kept for good after the image was
 * removed. A removal collects an image's content an hour after it was last written at the earliest,
 * or at the next start, which is where this test looks.
 */
class OwnershipLayersIT {

    @Test
    void anImageAliceRanAndRemovedTakesItsOwnershipLayerWithItsRecord(
            @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class) Daemon daemon) throws Exception {
        ok(HostUsers.docker(daemon, "alice", "run", "--name", "layered", "busybox", "sh", "-c", "echo x > /x"), "alice runs");
        String id = ok(HostUsers.docker(daemon, "alice", "commit", "layered", "alice/layered:1"), "commit").out().strip();
        ok(HostUsers.docker(daemon, "alice", "run", "--rm", "alice/layered:1", "cat", "/x"), "alice runs her image");
        String hex = id.replaceFirst("^sha256:", "");
        Path record = daemon.root.resolve("data/images/" + hex + ".json");
        assertEquals(1, ownershipLayers(daemon, hex), "made for her run");
        ok(HostUsers.docker(daemon, "alice", "rm", "layered"), "alice removes the container she committed");
        ok(HostUsers.docker(daemon, "alice", "rmi", "alice/layered:1"), "alice removes the image");

        daemon.stop();
        daemon.start();
        assertFalse(Files.exists(record), "the image's record is collected at the start");
        assertEquals(0, ownershipLayers(daemon, hex), "and its ownership layer with it");
        assertTrue(HostUsers.docker(daemon, "alice", "run", "--rm", "busybox", "true").code() == 0,
                "alice's other images still run: " + daemon.log());
    }

    /** How many ranges hold an ownership layer of the image. */
    private static long ownershipLayers(Daemon daemon, String hex) throws java.io.IOException {
        try (var ranges = Files.list(daemon.root.resolve("data/remap"))) {
            return ranges.filter(r -> Files.exists(r.resolve(hex))).count();
        }
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.out() + r.err());
        return r;
    }
}
