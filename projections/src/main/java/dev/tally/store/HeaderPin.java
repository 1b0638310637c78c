package dev.tally.store;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.ForgottenChunks;
import org.h2.mvstore.MVStore;

/**
 * Keeps H2 from writing over any chunk that its recovery after a {@code kill -9} would read: every chunk
 * from the one the store header on the disk names onward. H2 2.3.232 frees a dead chunk (once it is older
 * than the retention time) at the start of a commit and may write that commit's chunk into its space,
 * then rewrites the header only after that chunk. When the freed chunk was the header's, or one on the
 * chain of chunks the header leads to, a kill between the two writes (or during the chunk's) leaves a
 * chain that breaks there, and H2 opens an older commit: acknowledged events are lost
 * ({@code StoreKillPointsTest}).
 *
 * <p>The pin is a version usage ({@link MVStore#registerVersionUsage()}) held at the version of the
 * chunk the header names: H2 frees no chunk that died at or after a version in use, and every chunk from
 * the header's onward was written, so died, at or after it. {@link #advance()} moves it: under H2's
 * store lock it makes the header name the newest chunk (a header write is forced by the "clean" mark
 * that H2 drops at the next chunk write, and one tiny commit), forces the file to the disk, and only
 * then lets go of the previous pin. So a chunk is written over only once a header on the disk has moved
 * past it, which also holds on a power loss. Not thread-safe: one owner ({@link StoreUpkeep}'s thread).
 */
final class HeaderPin {

    private final MVStore store;
    private MVStore.TxCounter held;

    private HeaderPin(MVStore store) {
        this.store = store;
    }

    /**
     * Pins the store's newest chunk now (the header is made to name it). Right after an open, that commit also
     * takes out of H2's layout the dead chunks its recovery found written over ({@link ForgottenChunks}): a clean
     * close that listed them again wrote a file H2 refuses ("Double mark").
     */
    static HeaderPin take(MVStore store) {
        HeaderPin pin = new HeaderPin(store);
        pin.advance();
        return pin;
    }

    /** The version of the chunk pinned. */
    long version() {
        return held.version;
    }

    /**
     * Moves the pin to the newest chunk when chunks were written since it was taken (an idle store is
     * left alone: nothing is written). Throws when H2 did not behave as this class relies on (the header
     * does not name the newest chunk after the forced write): the old pin is then kept.
     */
    void advance() {
        FileStore<?> file = store.getFileStore();
        if (held != null && file.lastChunkVersion() == held.version) {
            return;
        }
        MVStore.TxCounter[] taken = new MVStore.TxCounter[1];
        long[] header = new long[1];
        ForgottenChunks forgotten = held == null ? ForgottenChunks.of(store) : null;
        // Nothing may throw in here: H2 closes the store on any exception in a file store operation.
        store.executeFilestoreOperation(() -> {
            // First taken right after an open: what H2's recovery forgot is out of the layout in the pin's commit
            if ((forgotten != null && forgotten.forget() > 0) || headerVersion(file) != file.lastChunkVersion()) {
                file.getStoreHeader().put("clean", 1);
                store.setStoreVersion(store.getStoreVersion());
                store.commit();
            }
            header[0] = headerVersion(file);
            if (header[0] == file.lastChunkVersion()) {
                taken[0] = store.registerVersionUsage();
            }
        });
        if (taken[0] == null || taken[0].version > header[0]) {
            if (taken[0] != null) {
                store.deregisterVersionUsage(taken[0]);
            }
            throw new IllegalStateException("H2 did not write the store header for its newest chunk (header version "
                    + header[0] + ", newest chunk " + file.lastChunkVersion() + "): this H2 is not the "
                    + "2.3.232 that HeaderPin was proven with");
        }
        store.sync();
        MVStore.TxCounter previous = held;
        held = taken[0];
        if (previous != null) {
            store.deregisterVersionUsage(previous);
        }
    }

    /**
     * Lets go, for H2's close: the header is first made to name the newest chunk (as {@link #advance()}),
     * so what H2's close then frees (with the retention time it sets to 0) is older than that chunk, which
     * stays live until the close's own commit: a kill during the close finds the header's chunk whole.
     * Space reuse stays on: turning it off before the close wrote a file that H2 could not open again
     * ("Double mark" at the next open: {@code ReplayIT}, after H2's own sessions had compacted the file).
     */
    void release() {
        try {
            advance();
        } catch (RuntimeException e) {
            System.err.println("tallyd: store: the header was not moved to the newest commit before the close: " + e);
        }
        if (held != null) {
            store.deregisterVersionUsage(held);
            held = null;
        }
    }

    private static long headerVersion(FileStore<?> file) {
        return DataUtils.readHexLong(file.getStoreHeader(), "version", -1);
    }
}
