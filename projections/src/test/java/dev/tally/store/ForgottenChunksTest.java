package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit frees dead chunks and may write its chunk over their space; a kill before the store header names
 * that chunk leaves the commit before it, whose layout still lists the freed chunks where they lay. H2 2.3.232's
 * recovery forgets their place (they are not there), but keeps their layout entries until it frees them, once
 * older than the retention time: a start within that time of the kill (or after the clock stepped back) that
 * then stopped in order wrote them under a header marked clean, and H2, trusting it, found a newer chunk on
 * their blocks and refused the file ("Double mark": StoreKillPointsTest, 65 idle closes of its copies in 15
 * of 22 runs at a fast load, and CI's one failure). Here such a file is made on purpose: a store closed with its dead
 * chunks listed (a long retention time), their blocks then written over and the header's clean mark dropped.
 */
class ForgottenChunksTest {

    private static final int EVENTS = 40;

    @TempDir
    Path dir;

    @Test
    void aStopRightAfterAStartThatFoundFreedChunksWrittenOverLeavesAFileH2Opens() throws Exception {
        String url = MixedSessions.closedWithDeadChunksListed(dir, EVENTS);
        Path path = StoreFile.of(url).orElseThrow().path();
        // those older than the 25 newest listed: H2 checks the 19 newest before it trusts a clean header (and
        // when one is not whole it recovers as after a crash, which forgets them again)
        List<ListedChunk> listed = ListedChunk.in(path);
        long newest = listed.stream().mapToLong(ListedChunk::id).max().orElse(0);
        List<ListedChunk> dead = listed.stream().filter(c -> c.dead() && c.id() < newest - 25).toList();
        assertTrue(dead.size() > 2, "the layout lists dead chunks: " + dead.size());
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            // as a commit that freed them and wrote its chunk there left them, its header never written
            for (ListedChunk chunk : dead) {
                file.seek(chunk.block() * 4096);
                file.write(new byte[(int) chunk.blocks() * 4096]);
            }
        }
        HeaderChain.dropCleanMark(path);
        assertFalse(StoreFile.of(url).orElseThrow().markedClean(), "a crashed file");

        // the start after the kill appends one event and stops, within the retention time of the chunks written over
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off())) {
            new MixedSessions(store, 8).appendOne();
        }
        StoreFile stopped = StoreFile.of(url).orElseThrow(); // "Double mark" without the fix
        assertTrue(stopped.markedClean() && stopped.clean(), "the stop right after that start closed the file clean: " + stopped);
        assertTrue(ListedChunk.in(path).stream().noneMatch(c -> dead.stream().anyMatch(d -> d.id() == c.id())),
                "the chunks written over are out of the layout");
        assertEquals(EVENTS + 1, MixedSessions.eventsIn(url), "and every event at the next start");
    }

}
