package dev.tally.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {

    @TempDir
    Path tmp;

    @Test
    void linksInTheTreeAreRemovedAsLinksAndWhatTheyPointToStays() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept"), "root's");
        Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
        Files.createSymbolicLink(tree.resolve("absolute"), outside);
        Files.createSymbolicLink(tree.resolve("relative"), Path.of("../../../outside"));
        Files.createSymbolicLink(tree.resolve("file"), kept);
        Files.writeString(tree.resolve("plain"), "x");
        Trees.delete(tmp.resolve("tree"), "test tree");
        assertFalse(Files.exists(tmp.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("root's", Files.readString(kept));
    }

    @Test
    void aTreeNestedFarDeeperThanTheDescriptorsItMayHoldIsRemoved() throws IOException {
        Path deepest = tmp.resolve("tree");
        for (int i = 0; i < 1000; i++) {
            deepest = deepest.resolve("d");
        }
        Files.createDirectories(deepest);
        Files.writeString(deepest.resolve("f"), "x");
        Files.createSymbolicLink(deepest.resolve("out"), tmp);
        Trees.delete(tmp.resolve("tree"), "deep tree");
        assertFalse(Files.exists(tmp.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isDirectory(tmp));
    }

    @Test
    void aTopThatIsALinkIsRemovedAsTheLink() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("kept"), "root's");
        Path top = Files.createSymbolicLink(tmp.resolve("top"), outside);
        Trees.delete(top, "test tree");
        assertFalse(Files.exists(top, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("kept")));
    }

    /**
     * The same swap at the worst moment, every time: the directory was listed, and each of its
     * files is about to be removed when it is swapped for a link to a directory outside holding
     * files of the same names. Removing by path would remove those.
     */
    @Test
    void aDirectorySwappedForALinkAfterItWasListedLeadsNowhere() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Path victim = Files.createDirectories(tree.resolve("victim"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(outside.resolve("f" + i), "root's");
            Files.writeString(victim.resolve("f" + i), "mine");
        }
        Path aside = tmp.resolve("aside");
        Trees.delete(tree, "test tree", p -> {
            if (p.getParent().equals(victim) && !Files.isSymbolicLink(victim)) {
                try {
                    Files.move(victim, aside);
                    Files.createSymbolicLink(victim, outside);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS));
        for (int i = 0; i < 5; i++) {
            assertEquals("root's", Files.readString(outside.resolve("f" + i)));
        }
        try (var left = Files.list(aside)) {
            assertEquals(0, left.count(), "what was removed is the directory listed, wherever it went");
        }
    }

    /**
     * A user who can write in the tree (a remapped container's upper directory) swaps a directory
     * for a link to a directory outside, as fast as it can, while the tree is removed: whatever
     * moment the swap lands, nothing outside is removed.
     */
    @Test
    void aDirectorySwappedForALinkDuringTheWalkNeverLeadsOutside() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(outside.resolve("f" + i), "root's");
        }
        for (int round = 0; round < 10; round++) {
            Path tree = Files.createDirectories(tmp.resolve("tree" + round));
            Path victim = Files.createDirectories(tree.resolve("victim"));
            for (int i = 0; i < 50; i++) {
                Files.writeString(victim.resolve("f" + i), "mine");
            }
            Path aside = Files.createDirectories(tmp.resolve("aside" + round));
            AtomicBoolean racing = new AtomicBoolean(true);
            AtomicInteger swaps = new AtomicInteger();
            Thread swapper = new Thread(() -> {
                while (racing.get()) {
                    try {
                        // the directory out of the tree (kept aside), a link to outside in its place, and back
                        Files.move(victim, aside.resolve("victim"));
                        Files.createSymbolicLink(victim, outside);
                        swaps.incrementAndGet();
                        Files.delete(victim);
                        Files.move(aside.resolve("victim"), victim);
                    } catch (IOException e) {
                        // the walk removed something first: go on with what is there
                        if (!Files.exists(aside.resolve("victim"), LinkOption.NOFOLLOW_LINKS)) {
                            try {
                                Files.createDirectories(aside.resolve("victim"));
                            } catch (IOException gone) {
                                return;
                            }
                        }
                    }
                }
            });
            swapper.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> swaps.get() > 0);
            try {
                Trees.delete(tree, "racing tree");
            } catch (dev.tally.domain.DomainException e) {
                // a walk that keeps losing the race may give up; it must still not go outside
            }
            racing.set(false);
            swapper.join(10_000);
            for (int i = 0; i < 50; i++) {
                assertTrue(Files.exists(outside.resolve("f" + i)), "round " + round + ": outside/f" + i + " removed");
            }
        }
    }
}
