package dev.tally.domain.volume;

/** Where volume data lives on the host. */
public interface VolumeStore {

    /** Creates the volume's directory if missing; returns its mount point. Idempotent. */
    String create(String name);

    /** The mount point a volume has or would have. */
    String mountpoint(String name);

    /** Deletes the volume's data. Idempotent. */
    void remove(String name);
}
