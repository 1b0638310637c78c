package dev.tally.runtime.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Has the disk write a file's bytes while the file is still being written: every {@link #STEP}
 * bytes, sync_file_range(2) starts the writeback of that range (on a descriptor of its own, opened at
 * the first step), and {@link #close} starts the rest. The fsync that makes the file durable before
 * the image's event ({@link DiskSync}) then finds little left to write, so a pull waits on the disk
 * for its last bytes only, not for all of them after the download. The kernel would start on its own
 * only after 30 s or at its dirty-memory threshold. A file under one step costs no call at all.
 *
 * <p>Durability is not this class's: it only moves the file's disk writes earlier, and its failures
 * are ignored (the fsync reports its own). One writer thread uses an instance.
 */
final class EarlyWriteback implements AutoCloseable {

    /** Bytes written between two ranges handed to the disk. */
    static final long STEP = 8L << 20;

    private final Path file;
    private int fd = -1;
    private boolean failed;
    private long written;
    private long started;
    private int ranges;

    EarlyWriteback(Path file) {
        this.file = file;
    }

    /** Counts {@code bytes} more written to the file; starts the writeback of the last step's bytes when a step was written. */
    void wrote(long bytes) {
        written += bytes;
        if (written - started >= STEP) {
            start();
        }
    }

    /** Starts the writeback of what was written since the last step (when a step was reached at all), and lets go of the descriptor. */
    @Override
    public void close() {
        if (fd >= 0) {
            if (written > started) {
                start();
            }
            LayerCalls.closeQuietly(fd);
            fd = -1;
        }
    }

    private void start() {
        if (failed) {
            return;
        }
        try {
            if (fd < 0) {
                fd = LayerCalls.openForSync(file, false);
            }
            LayerCalls.startWriteback(fd, started, written - started);
            started = written;
            ranges++;
        } catch (IOException e) {
            failed = true; // no head start for this file; its fsync writes it all
        }
    }

    /** How many ranges were handed to the disk (for tests). */
    int ranges() {
        return ranges;
    }
}
