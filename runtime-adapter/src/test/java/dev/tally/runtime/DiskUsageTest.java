package dev.tally.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskUsageTest {

    private static final long BIG = 1L << 30;

    @TempDir
    Path tmp;

    /** A host directory a user would like counted (or walked) through a link: a 1 GiB file, sparse. */
    private Path bigHostDirectory() throws Exception {
        Path big = Files.createDirectories(tmp.resolve("host-big"));
        try (RandomAccessFile f = new RandomAccessFile(big.resolve("huge").toFile(), "rw")) {
            f.setLength(BIG);
        }
        return big;
    }

    @Test
    void regularFilesAreCountedOnceEachAndLinksAreNotFollowed() throws Exception {
        Path big = bigHostDirectory();
        Path upper = Files.createDirectories(tmp.resolve("bundle/upper/a/b"));
        Files.write(upper.resolve("f"), new byte[1000]);
        Files.createLink(upper.resolve("f-again"), upper.resolve("f"));
        Files.write(upper.getParent().resolve("g"), new byte[24]);
        Files.createSymbolicLink(upper.resolve("to-host"), big);
        Files.createSymbolicLink(upper.resolve("to-file"), big.resolve("huge"));
        assertEquals(1024, DiskUsage.bytes(tmp.resolve("bundle/upper")));
        assertEquals(0, DiskUsage.bytes(tmp.resolve("bundle/none")));
    }

    @Test
    void aTopThatIsALinkIsCountedAsNothing() throws Exception {
        Path big = bigHostDirectory();
        Files.createDirectories(tmp.resolve("bundle"));
        Files.createSymbolicLink(tmp.resolve("bundle/upper"), big);
        assertEquals(0, DiskUsage.bytes(tmp.resolve("bundle/upper")));
    }

    /**
     * The tree's owner swaps its directories for links to a big host directory, and back, while the
     * daemon counts: no count ever reaches into the host directory. Walked by path, a directory seen as
     * one and then opened by its path was the link's target at times (counting the 1 GiB file).
     */
    @Test
    void directoriesSwappedForLinksDuringTheWalkAreNeverFollowed() throws Exception {
        Path big = bigHostDirectory();
        Path upper = Files.createDirectories(tmp.resolve("bundle/upper"));
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Path d = Files.createDirectories(upper.resolve("d" + i));
            Files.write(d.resolve("f"), new byte[100]);
            Files.createSymbolicLink(upper.resolve("d" + i + ".link"), big);
            dirs.add(d);
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong swaps = new AtomicLong();
        Thread owner = new Thread(() -> {
            try {
                while (!done.get()) {
                    for (Path d : dirs) {
                        Path aside = d.resolveSibling(d.getFileName() + ".dir");
                        Path link = d.resolveSibling(d.getFileName() + ".link");
                        Files.move(d, aside, StandardCopyOption.ATOMIC_MOVE);
                        Files.move(link, d, StandardCopyOption.ATOMIC_MOVE);
                        Files.move(d, link, StandardCopyOption.ATOMIC_MOVE);
                        Files.move(aside, d, StandardCopyOption.ATOMIC_MOVE);
                        swaps.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "tree-owner");
        owner.start();
        long most = 0;
        try {
            // the walks race the swaps only once they run: on a busy host the owner's thread came late, and 400
            // walks of this small tree can end within the first swap's time
            await().atMost(Duration.ofSeconds(30)).until(() -> swaps.get() > 0);
            long until = System.nanoTime() + 8_000_000_000L;
            for (int walk = 0; walk < 400 && System.nanoTime() < until; walk++) {
                most = Math.max(most, DiskUsage.bytes(upper));
            }
        } finally {
            done.set(true);
            owner.join();
        }
        assertTrue(swaps.get() > 0);
        assertTrue(most <= 64 * 100, "a count reached through a link: " + most + " bytes");
    }
}
