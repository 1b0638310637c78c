package dev.tally.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space a writer to the data root's disk must leave there ({@code upload-keep-free}): the disk
 * holds the event store. The disk is looked at again once 16 MiB more would be written since the last
 * look, not at every write. Used by uploads ({@link BoundedUpload}) and by spools of what is read out of
 * a container ({@link KeptFreeOutput}).
 */
final class DiskReserve {

    /** How often (in bytes written) the disk's free space is looked at again. */
    private static final long CHECK_EVERY = 16L * 1024 * 1024;

    private final Path onDisk;
    private final long keepFree;
    private long checkedAt = -CHECK_EVERY;

    DiskReserve(Path onDisk, long keepFree) {
        this.onDisk = onDisk;
        this.keepFree = keepFree;
    }

    /**
     * The refusal (413) of writing {@code bytes} more after {@code written}, when the disk would keep less
     * than its reserve; null when it keeps it, or was looked at less than 16 MiB ago. {@code what} names the
     * writer in the message ("upload", "copy").
     *
     * @throws IOException when the disk's free space cannot be read
     */
    OverLimit refusal(long written, long bytes, String what) throws IOException {
        if (written + bytes - checkedAt < CHECK_EVERY) {
            return null;
        }
        checkedAt = written + bytes;
        if (Files.getFileStore(onDisk).getUsableSpace() - bytes < keepFree) {
            return OverLimit.tooLarge("the " + what + " would leave less than " + keepFree + " bytes free on the disk of "
                    + onDisk + " (kept for the event store)");
        }
        return null;
    }

    /** The disk this reserve is kept on. */
    Path onDisk() {
        return onDisk;
    }
}
