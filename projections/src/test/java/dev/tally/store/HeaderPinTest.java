package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.h2.engine.Constants;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link HeaderPin} relies on H2 for, checked on a bare MVStore; StoreKillPointsTest proves what it is for. */
class HeaderPinTest {

    @TempDir
    Path dir;

    @Test
    void theH2ItReliesOnIsTheOneItWasProvenWith() {
        assertEquals("2.3.232", Constants.VERSION, "HeaderPin relies on when H2 2.3.232 frees chunks and writes its"
                + " store header (FileStore.dropUnusedChunks, RandomAccessStore.writeChunk): read the new H2's, and"
                + " run StoreKillPointsTest at several seeds and retention times, before changing this");
    }

    @Test
    void noChunkFromTheOneTheHeaderNamesOnIsFreedUntilThePinMoves() throws Exception {
        Path file = dir.resolve("pin.mv.db");
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        HeaderPin pin = null;
        try {
            store.setRetentionTime(0);
            store.setVersionsToKeep(0); // as H2's database sets it
            MVMap<Integer, String> map = store.openMap("m");
            for (int i = 0; i < 5; i++) {
                map.put(i, "v" + i);
                store.commit();
            }
            pin = HeaderPin.take(store);
            long pinned = pin.version();
            assertEquals(pinned, store.getFileStore().lastChunkVersion());
            assertEquals(pinned, headerVersionOnDisk(file), "the header on the disk names the pinned chunk");

            // Each commit writes the map's only page and the layout again: the chunk before it dies
            for (int i = 0; i < 6; i++) {
                map.put(0, "w" + i);
                store.commit();
            }
            Set<Long> kept = chunkVersions(store);
            for (long v = pinned + 1; v <= pinned + 4; v++) {
                assertTrue(kept.contains(v), "dead chunk of version " + v + " kept while pinned at " + pinned + ": " + kept);
            }

            pin.advance();
            assertEquals(store.getFileStore().lastChunkVersion(), pin.version());
            assertEquals(pin.version(), headerVersionOnDisk(file));
            map.put(0, "x");
            store.commit();
            Set<Long> after = chunkVersions(store);
            for (long v = pinned + 1; v <= pinned + 4; v++) {
                assertFalse(after.contains(v), "dead chunk of version " + v + " freed once the pin moved: " + after);
            }
            map.put(0, "y");
            store.commit();
            pin.release();
            assertEquals(store.getFileStore().lastChunkVersion(), headerVersionOnDisk(file),
                    "released: the header on the disk names the newest chunk, so what the close frees is older");
            assertTrue(store.getFileStore().isSpaceReused(), "space reuse stays on for H2's close");
        } finally {
            if (pin != null) {
                pin.release();
            }
            store.close();
        }
    }

    /** The versions of the chunks the store's layout lists (those not freed). */
    private static Set<Long> chunkVersions(MVStore store) {
        return store.getFileStore().getLayoutMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith("chunk."))
                .map(e -> DataUtils.readHexLong(DataUtils.parseMap(e.getValue()), "version", -1))
                .collect(Collectors.toSet());
    }

    /** The version the first copy of the store header on the disk names. */
    private static long headerVersionOnDisk(Path file) throws Exception {
        byte[] block = Arrays.copyOf(Files.readAllBytes(file), 4096);
        String text = new String(block, StandardCharsets.ISO_8859_1);
        return DataUtils.readHexLong(DataUtils.parseMap(text.substring(0, text.indexOf('\n'))), "version", -1);
    }
}
