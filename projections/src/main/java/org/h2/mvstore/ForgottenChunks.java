package org.h2.mvstore;

import java.lang.reflect.Field;

/**
 * Takes out of an MVStore's layout the dead chunks that H2's recovery found no longer there, for tally's
 * header pin ({@code dev.tally.store.HeaderPin}). A commit frees dead chunks and may write its own chunk
 * over their space; when a kill comes before the store header names that chunk, H2 recovers the commit
 * before it, whose layout still lists the freed chunks where they lay. H2 2.3.232's recovery sees that
 * they are not there and forgets their place in memory (block 0), but leaves their layout entries as they
 * were until it frees them (once older than the retention time and behind every version in use). A clean
 * close before then writes that layout under a header marked clean, and H2 trusts such a header: it marks
 * the blocks of every chunk the layout lists as taken, a forgotten chunk's blocks a second time where a
 * newer chunk now lies, and refuses the file ("Double mark"). Their entries hold nothing: the chunks are
 * dead and their space is free already. In H2's package for its package-private chunks; the layout map
 * itself is a private field, read once by reflection: an H2 without it fails the store's open, not a commit.
 */
public final class ForgottenChunks {

    private static final Field LAYOUT = layoutField();

    private final MVStore store;
    private final MVMap<String, String> layout;

    private ForgottenChunks(MVStore store, MVMap<String, String> layout) {
        this.store = store;
        this.layout = layout;
    }

    /** The layout of this store's file, to clean under its lock ({@link #forget()}); IllegalStateException on another H2. */
    @SuppressWarnings("unchecked")
    public static ForgottenChunks of(MVStore store) {
        if (LAYOUT == null) {
            throw new IllegalStateException("H2's FileStore has no field 'layout': this H2 is not the 2.3.232 that "
                    + "ForgottenChunks was proven with");
        }
        try {
            return new ForgottenChunks(store, (MVMap<String, String>) LAYOUT.get(store.getFileStore()));
        } catch (IllegalAccessException | ClassCastException e) {
            throw new IllegalStateException("read H2's layout map", e);
        }
    }

    /**
     * Removes the layout entries of the dead chunks H2 holds without a place in the file (forgotten by its
     * recovery); the chunks stay in H2's memory until it frees them, so their ids are not taken again
     * meanwhile. Call under the store's lock ({@link MVStore#executeFilestoreOperation}); the next commit
     * writes the layout without them. How many it removed.
     */
    public int forget() {
        int removed = 0;
        for (Chunk<?> c : store.getFileStore().chunks.values()) {
            if (!c.isAllocated() && !c.isLive() && layout.remove(Chunk.getMetaKey(c.id)) != null) {
                removed++;
            }
        }
        if (removed > 0) {
            store.markMetaChanged();
        }
        return removed;
    }

    private static Field layoutField() {
        try {
            Field f = FileStore.class.getDeclaredField("layout");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }
}
