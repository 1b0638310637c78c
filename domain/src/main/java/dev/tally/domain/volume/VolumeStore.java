package dev.tally.domain.volume;

/** Where volume data lives on the host. */
public interface VolumeStore {

    /**
     * Creates the volume's directory; returns its mount point. Called once the volume is recorded:
     * FAILED when data under that name is already there (what a removal did not finish), which is
     * never handed to a new volume.
     */
    String create(String name);

    /**
     * Makes the directory of a recorded volume that has none (its create was cut short). Idempotent.
     * Nothing by default: a store that keeps nothing on the host.
     */
    default void ensure(String name) {
    }

    /** The names of every volume that has data on the host; none by default (a store that keeps nothing). */
    default java.util.Set<String> names() {
        return java.util.Set.of();
    }

    /** Bytes of the volume's data (its files, counted once each); 0 by default (a store that keeps nothing). Never throws. */
    default long bytes(String name) {
        return 0;
    }

    /** The mount point a volume has or would have. */
    String mountpoint(String name);

    /** Deletes the volume's data. Idempotent. */
    void remove(String name);
}
