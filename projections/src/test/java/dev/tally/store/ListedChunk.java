package dev.tally.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;

/**
 * A chunk as a closed store file's layout lists it: for tests that write over chunks the way a commit or a
 * cut of the file's free end would.
 *
 * @param block its first block (of 4 KB)
 * @param blocks its length in blocks
 * @param dead whether it holds no live page (it waits to be freed)
 */
record ListedChunk(long id, long version, long block, long blocks, boolean dead) {

    /** The chunks the layout of this closed store file lists, read with H2 (read-only). */
    static List<ListedChunk> in(Path file) {
        List<ListedChunk> listed = new ArrayList<>();
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            for (Map.Entry<String, String> e : store.getFileStore().getLayoutMap().entrySet()) {
                if (e.getKey().startsWith("chunk.")) {
                    Map<String, String> chunk = DataUtils.parseMap(e.getValue());
                    listed.add(new ListedChunk(hex(chunk, "chunk"), hex(chunk, "version"), hex(chunk, "block"),
                            hex(chunk, "len"), "0".equals(chunk.get("livePages"))));
                }
            }
        }
        return listed;
    }

    private static long hex(Map<String, String> chunk, String key) {
        return Long.parseLong(chunk.getOrDefault(key, "0"), 16);
    }
}
