package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
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
        // dead chunks are freed only after a minute: the close leaves those of the appends listed in its layout
        String url = "jdbc:h2:file:" + dir.resolve("tally") + Store.H2_SETTINGS.replace(
                "RETENTION_TIME=" + StoreUpkeep.RETENTION_MS, "RETENTION_TIME=60000");
        assertTrue(url.contains("RETENTION_TIME=60000"), url);
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off())) {
            MixedSessions load = new MixedSessions(store, 7);
            for (int n = 0; n < EVENTS; n++) {
                load.appendOne();
            }
        }
        Path path = StoreFile.of(url).orElseThrow().path();
        // those older than the 25 newest listed: H2 checks the 19 newest before it trusts a clean header (and
        // when one is not whole it recovers as after a crash, which forgets them again)
        List<long[]> listed = listed(path);
        long newest = listed.stream().mapToLong(c -> c[2]).max().orElse(0);
        List<long[]> dead = listed.stream().filter(c -> c[3] == 1 && c[2] < newest - 25).toList();
        assertTrue(dead.size() > 2, "the layout lists dead chunks: " + dead.size());
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            // as a commit that freed them and wrote its chunk there left them, its header never written
            for (long[] chunk : dead) {
                file.seek(chunk[0] * 4096);
                file.write(new byte[(int) chunk[1] * 4096]);
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
        assertTrue(listed(path).stream().noneMatch(c -> dead.stream().anyMatch(d -> d[2] == c[2])),
                "the chunks written over are out of the layout");
        assertEquals(EVENTS + 1, events(url), "and every event at the next start");
    }

    /** Opens the store as tallyd does, counts its events, closes it. */
    private static int events(String url) throws Exception {
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off());
             Connection c = store.connections().getConnection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM DomainEventEntry")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** The chunks the file's layout lists, each as {block, blocks, id, 1 when dead}. */
    private static List<long[]> listed(Path file) {
        List<long[]> listed = new ArrayList<>();
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            for (Map.Entry<String, String> e : store.getFileStore().getLayoutMap().entrySet()) {
                if (e.getKey().startsWith("chunk.")) {
                    Map<String, String> chunk = DataUtils.parseMap(e.getValue());
                    listed.add(new long[] {hex(chunk, "block"), hex(chunk, "len"), hex(chunk, "chunk"),
                        "0".equals(chunk.get("livePages")) ? 1 : 0});
                }
            }
        }
        return listed;
    }

    private static long hex(Map<String, String> chunk, String key) {
        return Long.parseLong(chunk.getOrDefault(key, "0"), 16);
    }
}
