package org.h2.mvstore;

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
