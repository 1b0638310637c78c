package dev.tally.runtime.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes the store's own files durable, and no one else's: an fsync of each file it wrote and of
 * each directory that got entries, never a syncfs(2) of the whole file system. A syncfs also
 * writes what every other process left in memory on that disk, so a pull waited for them: in the
 * registry bench a pull's syncfs wrote the 400 MiB skopeo and podman had just written (0.3-0.4 s,
 * the pull itself 0.3 s on a quiet host), and with 800 MiB of another writer's data it took
 * 0.5-0.7 s. An fsync waits for its file only.
 *
 * <p>One fsync after another costs a device cache flush each (2,000 small files: 1.2 s here, where
 * one syncfs took 0.01 s), so a batch is synced {@link #THREADS} at a time: the block layer merges
 * the flushes of concurrent fsyncs (2,000 files: 0.05-0.1 s). A path that is gone, or is now a
 * link or no directory where one was (an entry a later entry of the same layer removed or replaced;
 * the replacement is synced on its own), has nothing left to make durable: its directory's fsync
 * covers its name.
 */
final class DiskSync {

    /** fsyncs at once. */
    static final int THREADS = 8;

    /** The one pool of the process; its threads end when idle. */
    private static final ThreadPoolExecutor POOL = pool();

    private final Consumer<Path> onSynced;

    /** @param onSynced told each path once it is synced (tests check what was) */
    DiskSync(Consumer<Path> onSynced) {
        this.onSynced = onSynced;
    }

    DiskSync() {
        this(p -> { });
    }

    /** fsync of one file. */
    void file(Path file) throws IOException {
        sync(file, false);
    }

    /** fsync of directories, at once. */
    void dirs(Collection<Path> dirs) throws IOException {
        all(List.of(), dirs);
    }

    /** fsync of these files and directories, {@link #THREADS} at once; returns once every one is on the disk. */
    void all(Collection<Path> files, Collection<Path> dirs) throws IOException {
        int count = files.size() + dirs.size();
        if (count == 1) {
            sync(files.isEmpty() ? dirs.iterator().next() : files.iterator().next(), files.isEmpty());
            return;
        }
        List<Future<?>> pending = new ArrayList<>(count);
        try {
            for (Path f : files) {
                pending.add(POOL.submit(() -> sync(f, false)));
            }
            for (Path d : dirs) {
                pending.add(POOL.submit(() -> sync(d, true)));
            }
        } finally {
            awaitAll(pending);
        }
    }

    private Void sync(Path path, boolean directory) throws IOException {
        try {
            LayerCalls.fsync(path, directory);
        } catch (LayerCalls.Errno e) {
            boolean gone = (e.code() == LayerCalls.ENOENT || e.code() == LayerCalls.ENOTDIR)
                    && !Files.exists(path, LinkOption.NOFOLLOW_LINKS);
            boolean replaced = (e.code() == LayerCalls.ELOOP || e.code() == LayerCalls.ENOTDIR)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && (directory || Files.isSymbolicLink(path));
            if (gone || replaced) {
                return null; // removed or replaced since it was written: its directory's fsync covers its name
            }
            throw e;
        }
        onSynced.accept(path);
        return null;
    }

    /** Waits for every task, then throws the first failure. */
    private static void awaitAll(List<Future<?>> pending) throws IOException {
        IOException first = null;
        boolean interrupted = false;
        for (Future<?> f : pending) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof IOException io ? io
                                : new IOException(String.valueOf(e.getCause()), e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first != null) {
            throw first;
        }
    }

    private static ThreadPoolExecutor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "tally-fsync");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
