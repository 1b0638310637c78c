package dev.tally.runtime.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Has the disk write what layers wrote while they are still arriving: once {@link #STEP} bytes were
 * written since the last time, one syncfs(2) of their file system on a background thread (never two
 * at once; bytes written meanwhile count towards the next). The syncfs that makes an image durable
 * ({@code ImageRecords.put}, before the image's event) then finds little left to write, so a pull
 * waits on the disk for its last bytes only, not for all of them after the download (a 100 MiB pull
 * wrote some 200 MiB, blob and tree, which took that final syncfs 0.1-0.2 s here).
 *
 * <p>Durability is not this class's: it only moves disk writes earlier, and its failures are
 * ignored (the final syncfs reports its own).
 */
final class EarlyWriteback {

    /** Bytes written between two background syncs. */
    static final long STEP = 24L << 20;

    private final Path dir;
    private final AtomicLong unsynced = new AtomicLong();
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final AtomicLong syncs = new AtomicLong();
    /** At most one sync runs at once ({@link #syncing}), so this holds one thread, gone when idle. */
    private final ExecutorService thread = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-writeback");
        t.setDaemon(true);
        return t;
    });

    /** @param dir a directory on the file system the bytes are written to */
    EarlyWriteback(Path dir) {
        this.dir = dir;
    }

    /** Counts {@code bytes} written; starts a background sync when {@link #STEP} were and none runs. */
    void wrote(long bytes) {
        if (unsynced.addAndGet(bytes) < STEP || !syncing.compareAndSet(false, true)) {
            return;
        }
        unsynced.set(0);
        thread.execute(() -> {
            try {
                LayerCalls.syncFileSystem(dir);
                syncs.incrementAndGet();
            } catch (IOException | RuntimeException ignored) {
                // the sync that makes the image durable reports
            } finally {
                syncing.set(false);
            }
        });
    }

    /** How many background syncs completed (for tests). */
    long syncs() {
        return syncs.get();
    }
}
