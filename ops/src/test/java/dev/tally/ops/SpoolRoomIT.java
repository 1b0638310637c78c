package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A read out of a container ({@code docker cp} out, {@code export}) is spooled on the data root's disk,
 * which holds the event store; it keeps that disk as much free space as an upload must
 * ({@code upload-keep-free}, docs/security.md "Limits and their defaults"). alice's container holds a
 * sparse file of 2 GiB (no room in the container, 2 GiB in a tar) on a daemon that keeps all but
 * 768 MiB of its disk's free space: her copy and her export are refused (413) and leave nothing in
 * tmp/, while a small copy still works. Without the bound the spool took whatever the container's
 * files made it, a sparse terabyte filling the disk under every user's event store.
 */
class SpoolRoomIT {

    private static final long HEADROOM_MIB = 768;

    /** The users; tallyd keeping all of its disk's free space but {@link #HEADROOM_MIB}. */
    static final class LittleRoom implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws IOException {
            new SharedHostUsers.Made().prepare(unstarted);
            long usableMib = Files.getFileStore(unstarted.root).getUsableSpace() >> 20;
            unstarted.withArgs("--limit", "upload-keep-free=" + (usableMib - HEADROOM_MIB) + "m");
        }
    }

    @BusyboxDaemon(beforeStart = LittleRoom.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static String id;

    @BeforeAll
    static void aContainerWithASparseFile() throws Exception {
        users = new SharedHostUsers(daemon);
        id = ok(users.docker("alice", "run", "-d", "--name", "sparse", "busybox", "sh", "-c",
                "truncate -s 2G /big && echo small > /small && touch /ready && sleep 600")).out().strip();
        await().atMost(Duration.ofSeconds(30)).until(() -> users.docker("alice", "exec", id, "test", "-e", "/ready").code() == 0);
    }

    @Test
    void aCopyOutOrAnExportThatWouldFillTheDataRootsDiskIsRefusedAndLeavesNothing() throws Exception {
        for (List<String> read : List.of(List.of("sh", "-c", "docker cp sparse:/big - > /dev/null"),
                List.of("sh", "-c", "docker export sparse > /dev/null"))) {
            Daemon.Result r = HostUsers.as("alice", Map.of("DOCKER_HOST", "unix://" + daemon.socket), read);
            assertNotEquals(0, r.code(), read + " took a spool of 2 GiB with " + HEADROOM_MIB + " MiB to spare");
            assertTrue(r.err().contains("bytes free on the disk of"), r.err());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> tmpEntries().isEmpty());
        Daemon.Result small = users.docker("alice", "cp", "sparse:/small", "-");
        assertEquals(0, small.code(), small.err());
        assertTrue(small.out().contains("small\n"), small.out());
    }

    private static List<Path> tmpEntries() throws IOException {
        try (Stream<Path> entries = Files.list(daemon.root.resolve("data/tmp"))) {
            return entries.toList();
        }
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }
}
