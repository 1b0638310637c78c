package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A copy into a volume is whole or undone: never half an image's content taken for the volume's own. */
class LocalVolumesCopyTest {

    private Path dataRoot;
    private LocalVolumes volumes;

    @BeforeEach
    void make() throws IOException {
        dataRoot = Files.createTempDirectory(Path.of("/tmp"), "tally-volcopy");
        volumes = new LocalVolumes(dataRoot);
        volumes.create("vol1");
    }

    @AfterEach
    void cleanUp() {
        Trees.delete(dataRoot, "test root");
    }

    private Path data() {
        return dataRoot.resolve("volumes/vol1/_data");
    }

    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anEmptyVolumeIsFilledAndUnmarked() throws IOException {
        assertTrue(volumes.fillIfEmpty("vol1", d -> write(d.resolve("f"), "image")));
        assertEquals(List.of("f"), names(data()));
        assertFalse(Files.exists(dataRoot.resolve("volumes/vol1").resolve(LocalVolumes.COPYING)));
    }

    /** One user's long copy holds up no copy into another volume (one lock for every copy did, for as long as it took). */
    @Test
    void aCopyIntoOneVolumeWaitsForNoCopyIntoAnother() throws Exception {
        volumes.create("vol2");
        java.util.concurrent.CountDownLatch inFirst = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseFirst = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<Boolean> first = pool.submit(() -> volumes.fillIfEmpty("vol1", d -> {
                inFirst.countDown();
                try {
                    assertTrue(releaseFirst.await(60, java.util.concurrent.TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                write(d.resolve("f"), "first");
            }));
            assertTrue(inFirst.await(60, java.util.concurrent.TimeUnit.SECONDS));
            // while the first copy is held: behind one lock for all copies it waited until the first ended
            java.util.concurrent.Future<Boolean> second = pool.submit(() -> volumes.fillIfEmpty("vol2",
                    d -> write(d.resolve("g"), "second")));
            assertTrue(second.get(30, java.util.concurrent.TimeUnit.SECONDS));
            releaseFirst.countDown();
            assertTrue(first.get(60, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            releaseFirst.countDown();
            pool.shutdownNow();
        }
        assertEquals(List.of("f"), names(data()));
        assertEquals(List.of("g"), names(dataRoot.resolve("volumes/vol2/_data")));
    }

    @Test
    void aVolumeWithContentIsLeftAsItIs() throws IOException {
        write(data().resolve("mine"), "mine");
        assertFalse(volumes.fillIfEmpty("vol1", d -> write(d.resolve("f"), "image")));
        assertEquals(List.of("mine"), names(data()));
    }

    @Test
    void aCopyThatFailsIsUndone() throws IOException {
        RuntimeException failure = new IllegalStateException("disk full");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> volumes.fillIfEmpty("vol1", d -> {
            write(d.resolve("dir/first"), "1");
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals(List.of(), names(data()));
        assertFalse(Files.exists(dataRoot.resolve("volumes/vol1").resolve(LocalVolumes.COPYING)));
        assertTrue(volumes.fillIfEmpty("vol1", d -> write(d.resolve("f"), "image")), "the volume is empty again");
    }

    /** What a kill in the middle of a copy leaves: the mark and part of the content. */
    private void cutCopy() throws IOException {
        write(data().resolve("dir/first"), "1");
        Files.createSymbolicLink(data().resolve("link"), Path.of("/etc"));
        Files.createFile(dataRoot.resolve("volumes/vol1").resolve(LocalVolumes.COPYING));
    }

    @Test
    void aCopyAKillCutShortIsEmptiedAtTheNextStart() throws IOException {
        cutCopy();
        new LocalVolumes(dataRoot).undoUnfinishedCopies();
        assertEquals(List.of(), names(data()));
        assertTrue(Files.exists(Path.of("/etc/passwd")), "a link in the copy is removed, not followed");
        assertFalse(Files.exists(dataRoot.resolve("volumes/vol1").resolve(LocalVolumes.COPYING)));
    }

    @Test
    void aCopyAKillCutShortIsRedoneWholeByTheNextCopy() throws IOException {
        cutCopy();
        assertTrue(volumes.fillIfEmpty("vol1", d -> write(d.resolve("f"), "image")));
        assertEquals(List.of("f"), names(data()));
    }

    @Test
    void aVolumeWithoutAMarkIsNotTouchedAtStart() throws IOException {
        write(data().resolve("mine"), "mine");
        new LocalVolumes(dataRoot).undoUnfinishedCopies();
        assertEquals(List.of("mine"), names(data()));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
