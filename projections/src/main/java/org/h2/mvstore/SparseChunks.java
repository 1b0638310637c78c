package org.h2.mvstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Rewrites the live pages of an MVStore's sparse chunks, for tally's store upkeep
 * ({@code dev.tally.store.StoreUpkeep}). In H2's package because H2 2.3.232 offers no public way to
 * choose which chunks a rewrite takes: its public {@link MVStore#compact(int, int)} rewrites any chunk
 * that is not quite full, oldest first, so under a steady load it spent its writes on old chunks that
 * had lost one page of twenty and left the sparse young ones, most of whose bytes are dead, to pile up
 * (issue 12). This calls the same rewriting H2's own background thread calls, with a fill rate above
 * which a chunk is left as it is. Compiled against H2's package-private members: another H2 version
 * that changed them fails the build, not the daemon.
 */
public final class SparseChunks {

    /** What a call did. */
    public enum Outcome {
        /** Pages were rewritten (not committed yet: the caller commits them). */
        REWRITTEN,
        /** No chunk older than the retention time is at or under the fill rate with live pages within the limit. */
        NONE,
        /** A commit held the store's lock for longer than 10 ms: nothing was done. */
        BUSY
    }

    private SparseChunks() {
    }

    /**
     * Under the store's lock (waited for 10 ms at most), rewrites the live pages of chunks written at least
     * {@code minAgeMs} ago (and no sooner than the retention time) whose live share is at most
     * {@code maxFillRate} percent, at most {@code writeLimit} bytes of them, the emptiest and oldest first
     * (H2's order). H2 takes for a rewrite only chunks older than its retention time: for the step, under
     * the lock (so that no commit frees chunks meanwhile), the retention time is {@code minAgeMs}.
     */
    public static Outcome rewrite(MVStore store, int writeLimit, int maxFillRate, int minAgeMs) throws InterruptedException {
        FileStore<?> file = store.getFileStore();
        Boolean done = store.tryExecuteUnderStoreLock(() -> {
            int retention = file.getRetentionTime();
            file.setRetentionTime(Math.max(retention, minAgeMs));
            try {
                return file.rewriteChunks(writeLimit, maxFillRate);
            } finally {
                file.setRetentionTime(retention);
            }
        });
        return done == null ? Outcome.BUSY : done ? Outcome.REWRITTEN : Outcome.NONE;
    }

    /**
     * Under the store's lock (waited for 10 ms at most), rewrites the saved leaves of these maps that lie in
     * chunks {@link #rewrite} would take ({@code maxFillRate}, {@code minAgeMs}), at most {@code writeLimit}
     * bytes of them, and commits them (with the upper pages of their trees) as one chunk of their own, still
     * under the lock, so no request's commit mixes its pages into it. For the maps whose leaves no later
     * commit changes (the event table's, keyed by what only grows): rewritten together with the pages of
     * indexes on random keys, such a leaf went to a chunk that those pages soon left mostly dead, and was
     * carried from rewrite to rewrite; in a chunk of its own kind it stays live where it lands.
     */
    public static Outcome rewriteLeaves(MVStore store, Collection<? extends MVMap<?, ?>> maps, int writeLimit,
                                        int maxFillRate, int minAgeMs) throws InterruptedException {
        FileStore<?> file = store.getFileStore();
        Boolean done = store.tryExecuteUnderStoreLock(() -> {
            // Brings the chunks' live shares up to date with the pages freed since, as H2's rewrite does first
            // (its acceptChunkOccupancyChanges is private), and rewrites nothing: no chunk is at most -1 % live.
            file.rewriteChunks(0, -1);
            long now = System.currentTimeMillis() - file.getCreationTime();
            long age = Math.max(file.getRetentionTime(), minAgeMs);
            long newest = store.getCurrentVersion() - 1;
            Set<Integer> sparse = new HashSet<>();
            for (Chunk<?> c : file.chunks.values()) {
                if (c.isRewritable() && c.time + age <= now && c.version < newest && c.getFillRate() <= maxFillRate) {
                    sparse.add(c.id);
                }
            }
            if (sparse.isEmpty()) {
                return false;
            }
            long bytes = 0;
            int rewritten = 0;
            for (MVMap<?, ?> map : maps) {
                if (map.isClosed() || bytes >= writeLimit) {
                    continue;
                }
                List<Long> leaves = new ArrayList<>();
                savedLeaves(map.getRootPage(), sparse::contains, leaves);
                for (long pos : leaves) {
                    if (bytes >= writeLimit) {
                        break;
                    }
                    if (map.rewritePage(pos)) {
                        rewritten++;
                        bytes += DataUtils.getPageMaxLength(pos);
                    }
                }
            }
            if (rewritten == 0) {
                return false;
            }
            store.commit();
            return true;
        });
        return done == null ? Outcome.BUSY : done ? Outcome.REWRITTEN : Outcome.NONE;
    }

    /** The positions of the saved leaves under this page that lie in these chunks; reads only non-leaf pages. */
    static void savedLeaves(Page<?, ?> page, IntPredicate chunks, List<Long> into) {
        if (page.isLeaf()) {
            return;
        }
        for (int i = 0; i < page.getRawChildPageCount(); i++) {
            long pos = page.getChildPagePos(i);
            if (DataUtils.isPageSaved(pos) && DataUtils.isLeafPosition(pos)) {
                if (chunks.test(DataUtils.getPageChunkId(pos))) {
                    into.add(pos);
                }
            } else {
                savedLeaves(page.getChildPage(i), chunks, into);
            }
        }
    }

    /**
     * Cuts the file's end where no chunk is (at least 1 % of the file, as H2's own cut): H2 cuts it only
     * when it writes a chunk somewhere other than the end, so a file whose last chunks were freed by an
     * idle round (the upkeep's or a commit's) kept its old length on the disk, up to many times its
     * content. The blocks cut are free (no chunk of the layout is in them), as those H2 overwrites; the
     * file is forced to the disk first. Under the store's lock and H2's locks for writing a chunk, as
     * {@link MVStore#executeFilestoreOperation} takes them. True when it cut.
     */
    public static boolean cutFreeEnd(MVStore store) {
        if (!(store.getFileStore() instanceof RandomAccessStore file) || !freeEnd(file)) {
            return false;
        }
        boolean[] cut = new boolean[1];
        store.executeFilestoreOperation(() -> {
            if (!freeEnd(file)) {
                return;
            }
            file.saveChunkLock.lock();
            try {
                long before = file.size();
                file.shrinkStoreIfPossible(1);
                cut[0] = file.size() < before;
            } finally {
                file.saveChunkLock.unlock();
            }
        });
        return cut[0];
    }

    /** Whether at least 1 % of the file (and a block) lies past the last block in use. */
    private static boolean freeEnd(RandomAccessStore file) {
        long size = file.size();
        long free = size - file.getFileLengthInUse();
        return free >= 4096 && free * 100 >= size;
    }
}
