package org.h2.mvstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where the leaves of some maps lie in an MVStore's chunks: for tests of the store's upkeep. */
public final class LeafChunks {

    private LeafChunks() {
    }

    /**
     * Of these maps' saved leaves, the bytes (H2's estimate by the page's length code) that lie in chunks at
     * least {@code fillRate} percent live, and the bytes of all of them.
     */
    public static long[] bytesInChunksAtLeast(MVStore store, Collection<? extends MVMap<?, ?>> maps, int fillRate) {
        FileStore<?> file = store.getFileStore();
        long[] bytes = new long[2];
        for (MVMap<?, ?> map : maps) {
            List<Long> leaves = new ArrayList<>();
            SparseChunks.savedLeaves(map.getRootPage(), id -> true, leaves);
            for (long pos : leaves) {
                Chunk<?> chunk = file.chunks.get(DataUtils.getPageChunkId(pos));
                long length = DataUtils.getPageMaxLength(pos);
                bytes[1] += length;
                if (chunk != null && chunk.getFillRate() >= fillRate) {
                    bytes[0] += length;
                }
            }
        }
        return bytes;
    }

    /**
     * The chunk holding the most bytes of these maps' saved leaves: those bytes, and the chunk's length as
     * H2 counts it (the sum of its pages' length codes).
     */
    public static long[] chunkWithMostLeaves(MVStore store, Collection<? extends MVMap<?, ?>> maps) {
        Map<Integer, Long> byChunk = new HashMap<>();
        for (MVMap<?, ?> map : maps) {
            List<Long> leaves = new ArrayList<>();
            SparseChunks.savedLeaves(map.getRootPage(), id -> true, leaves);
            for (long pos : leaves) {
                byChunk.merge(DataUtils.getPageChunkId(pos), (long) DataUtils.getPageMaxLength(pos), Long::sum);
            }
        }
        Map.Entry<Integer, Long> most = byChunk.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return new long[] {most.getValue(), store.getFileStore().chunks.get(most.getKey()).maxLen};
    }
}
