package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Copy-up and an image's VOLUME through the real docker CLI and tally's, as dockerd behaves: an empty
 * volume over the image's files starts with them, once; nocopy keeps it empty; a VOLUME is an
 * anonymous volume that starts with the image's content and goes with {@code --rm}.
 */
class VolumeCopyUpIT {

    private static final String IMAGE = "seeded:1";

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    /** An image with files at /data, its own owner, a link, and {@code VOLUME /data}, made by commit. */
    @BeforeAll
    static void makeTheImage() throws Exception {
        makeTheImage(daemon);
        users = new SharedHostUsers(daemon);
    }

    private static void makeTheImage(Daemon daemon) {
        ok(daemon.docker("run", "--name", "seeder", "busybox", "sh", "-c", "mkdir -p /data/sub && echo seed > /data/seed"
                + " && echo deep > /data/sub/deep && ln -s /etc/passwd /data/link && chown -R 1000:1000 /data"));
        ok(daemon.docker("commit", "--change", "VOLUME /data", "seeder", IMAGE));
        ok(daemon.docker("rm", "seeder"));
    }

    /**
     * alice's container runs in her range: her volume gets the image's files with the owners her
     * container sees (uid 1000 inside), which on the host are ids of her range, never host ids.
     */
    @Test
    void aRemappedUsersVolumeGetsTheFilesInHerRange() throws Exception {
        ok(users.docker("alice", "run", "--name", "alice-seeder", "busybox", "sh", "-c",
                "mkdir /data && echo seed > /data/seed && chown -R 1000:1000 /data"));
        ok(users.docker("alice", "commit", "alice-seeder", "alice/seeded:1"));
        Daemon.Result run = ok(users.docker("alice", "run", "--rm", "-v", "alicedata:/data", "alice/seeded:1", "sh", "-c",
                "stat -c %u /data /data/seed; echo more >> /data/seed && cat /data/seed"));
        assertEquals("1000\n1000\nseed\nmore\n", run.out());
        long start = -1;
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/subuid"))) {
            if (line.startsWith("alice:")) {
                start = Long.parseLong(line.split(":")[1]);
                break;
            }
        }
        java.nio.file.Path seed = daemon.root.resolve("data/volumes/alicedata/_data/seed");
        assertEquals((int) (start + 1000), java.nio.file.Files.getAttribute(seed, "unix:uid"));
        ok(users.docker("alice", "rm", "alice-seeder"));
        ok(users.docker("alice", "volume", "rm", "alicedata"));
    }

    /**
     * A copy a kill cuts after its first file leaves a mark; the next start empties the volume, and
     * the next container that mounts it gets the whole content, not the half the kill left.
     */
    @Test
    void aCopyCutByAKillIsEmptiedAtTheNextStartAndDoneWholeAfter(@BusyboxDaemon Daemon own) throws Exception {
        makeTheImage(own);
        ok(own.docker("volume", "create", "cut"));
        own.stop();
        own.haltingAt("copy-up").start();
        Daemon.Result cut = own.docker("run", "--rm", "-v", "cut:/data", IMAGE, "true");
        assertTrue(cut.code() != 0, "the create is cut: " + cut.out());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(own::ended);
        assertTrue(own.log().contains("halted at copy-up"), own.log());
        java.nio.file.Path volume = own.root.resolve("data/volumes/cut");
        assertTrue(java.nio.file.Files.exists(volume.resolve("copying")), "the kill left the copy marked");
        assertEquals(java.util.List.of("link", "seed"), names(volume.resolve("_data")), "and part of it (in name order, to the first file)");

        own.haltingAt(null).start();
        assertEquals(java.util.List.of(), names(volume.resolve("_data")), own.log());
        assertTrue(!java.nio.file.Files.exists(volume.resolve("copying")));
        Daemon.Result whole = ok(own.docker("run", "--rm", "-v", "cut:/data", IMAGE, "sh", "-c", "ls /data; cat /data/sub/deep"));
        assertEquals("link\nseed\nsub\ndeep\n", whole.out());
    }

    private static java.util.List<String> names(java.nio.file.Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private static Set<String> volumeNames() {
        return Set.of(daemon.docker("volume", "ls", "-q").out().split("\n"));
    }

    @Test
    void aNamedVolumeStartsWithTheImagesFilesOnceAndKeepsItsChanges() {
        Daemon.Result first = ok(daemon.docker("run", "--rm", "-v", "copied:/data", IMAGE, "sh", "-c",
                "ls /data; stat -c %u /data /data/seed; cat /data/sub/deep"));
        assertEquals("link\nseed\nsub\n1000\n1000\ndeep\n", first.out());
        ok(daemon.docker("run", "--rm", "-v", "copied:/data", IMAGE, "sh", "-c", "rm /data/seed && echo mine > /data/mine"));
        Daemon.Result second = ok(daemon.docker("run", "--rm", "-v", "copied:/data", IMAGE, "ls", "/data"));
        assertEquals("link\nmine\nsub\n", second.out(), "the first container's changes, not a fresh copy");
        Daemon.Result viaTally = ok(daemon.tally("run", "--rm", "-v", "copied2:/data", IMAGE, "cat", "/data/seed"));
        assertEquals("seed\n", viaTally.out());
        ok(daemon.docker("volume", "rm", "copied", "copied2"));
    }

    @Test
    void nocopyGivesAnEmptyVolume() {
        Daemon.Result v = ok(daemon.docker("run", "--rm", "-v", "empty1:/data:nocopy", IMAGE, "ls", "-A", "/data"));
        assertEquals("", v.out());
        Daemon.Result mount = ok(daemon.docker("run", "--rm", "--mount", "type=volume,src=empty2,dst=/data,volume-nocopy",
                IMAGE, "ls", "-A", "/data"));
        assertEquals("", mount.out());
        Daemon.Result bind = daemon.docker("run", "--rm", "-v", "/tmp:/data:nocopy", IMAGE, "true");
        assertEquals(125, bind.code());
        assertTrue(bind.err().contains("field VolumeOptions must not be specified"), bind.err());
        ok(daemon.docker("volume", "rm", "empty1", "empty2"));
    }

    @Test
    void anImagesVolumeIsAnAnonymousVolumeWithTheImagesFilesThatRmTakes() {
        Set<String> before = volumeNames();
        Daemon.Result run = ok(daemon.docker("run", "--rm", IMAGE, "cat", "/data/seed"));
        assertEquals("seed\n", run.out());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> volumeNames().equals(before));

        String id = ok(daemon.docker("create", IMAGE, "true")).out().strip();
        String mounts = ok(daemon.docker("inspect", "-f", "{{range .Mounts}}{{.Destination}}={{.Name}}{{end}}", id)).out()
                .strip();
        assertTrue(mounts.matches("/data=[0-9a-f]{64}"), mounts);
        String name = mounts.substring("/data=".length());
        assertTrue(daemon.docker("volume", "inspect", "-f", "{{json .Labels}}", name).out()
                .contains("com.docker.volume.anonymous"), name);
        ok(daemon.docker("rm", "-v", id));
        assertEquals(before, volumeNames());

        Daemon.Result over = ok(daemon.docker("run", "--rm", "-v", "/tmp:/data", IMAGE, "sh", "-c", "test -e /data/seed || echo bound"));
        assertEquals("bound\n", over.out(), "a bind at the VOLUME's path takes its place: no volume");
        assertEquals(before, volumeNames());
    }
}
