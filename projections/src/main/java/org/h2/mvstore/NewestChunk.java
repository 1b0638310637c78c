package org.h2.mvstore;

/**
 * The newest chunk an open MVStore found in its file (after a crash: the one H2's recovery settled on), for
 * tally's start ({@code dev.tally.store.StoreRecovery}), which makes the store header on the disk name it. In
 * H2's package because H2 2.3.232 keeps that chunk in a protected field and offers only its version. Compiled
 * against it: another H2 version that changed it fails the build, not the daemon.
 */
public final class NewestChunk {

    private NewestChunk() {
    }

    /** Its block, id and version; null when the store has no chunk yet. */
    public static long[] of(MVStore store) {
        Chunk<?> chunk = store.getFileStore().lastChunk;
        return chunk == null ? null : new long[] {chunk.block, chunk.id, chunk.version};
    }
}
