package dev.tally.store;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The free space the store keeps on the disk of its files. Below it no transaction begins: the
 * request is refused as NO_SPACE before anything is written, so the database does not meet a full
 * disk in the middle of a write (H2 then closes the database until it is opened again). Reads need
 * no transaction and still answer.
 */
final class DiskReserve {

    /** Several times what the largest transaction writes (an image's creation with its layers' records). */
    static final long DEFAULT_BYTES = 16L << 20;

    private final Path dir;
    private final FileStore disk;
    private final long bytes;

    private DiskReserve(Path dir, FileStore disk, long bytes) {
        this.dir = dir;
        this.disk = disk;
        this.bytes = bytes;
    }

    /** No reserve: for stores in memory, and tests that want the disk to fill under the store. */
    static DiskReserve none() {
        return new DiskReserve(null, null, 0);
    }

    /** The reserve on the disk of an H2 file store's URL ({@code jdbc:h2:file:BASE…}); none for any other URL. */
    static DiskReserve of(String url, long bytes) {
        Optional<Path> base = Store.h2Base(url);
        if (base.isEmpty() || bytes <= 0) {
            return none();
        }
        Path dir = base.get().toAbsolutePath().getParent();
        // H2 makes the directory as it opens: until then, its nearest existing parent is on the same disk
        Path existing = dir;
        while (existing.getParent() != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        try {
            return new DiskReserve(dir, Files.getFileStore(existing), bytes);
        } catch (IOException e) {
            throw new StoreException("find the disk of the event store in " + dir, e);
        }
    }

    /** Refuses (NO_SPACE) when the disk has less than the reserve free. */
    void require() {
        if (disk == null) {
            return;
        }
        long usable;
        try {
            usable = disk.getUsableSpace();
        } catch (IOException e) {
            throw new StoreException("read the free space of the event store's disk (" + dir + ")", e);
        }
        if (usable < bytes) {
            throw new DomainException(DomainException.Kind.NO_SPACE, StoreException.noSpace(dir)
                    + " (" + usable + " bytes free; tally keeps " + bytes + " free for the record)");
        }
    }
}
