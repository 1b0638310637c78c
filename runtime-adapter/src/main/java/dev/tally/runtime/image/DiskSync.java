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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Makes the store's own files durable, and as little of anyone else's as it can: an fsync of each
 * file it wrote and of each directory that got entries, or one syncfs(2) for a batch of many files
 * while the system holds little else to write. A syncfs writes every dirty page of the file system,
 * whoever wrote it, so a pull waited for others: in the registry bench a pull's syncfs wrote the
 * 400 MiB skopeo and podman had just written (0.3-0.4 s, the pull itself 0.3 s on a quiet host), and
 * with 800 MiB of another writer's data before each pull, ten-layer pulls took 1.1-1.6 s instead of
 * 0.6-1.0 s (load 11-12). An fsync waits for its file only.
 *
 * <p>One fsync after another costs a device cache flush each (2,000 small files: 1.2 s here, where
 * one syncfs took 0.01 s), so a batch is synced {@link #THREADS} at a time: the block layer merges
 * the flushes of concurrent fsyncs (2,000 files: 0.05-0.1 s). That is still some 30 us of tallyd's
 * CPU per file (two layers of 5,000 small files: 0.2-0.4 s more than one syncfs each), so a batch of
 * {@link #MANY} files or more takes one syncfs when the system's dirty and writeback memory, less
 * what the batch itself wrote, is under {@link #QUIET_BYTES}: then the syncfs costs at most that
 * much writing for others, and saves the batch's per-file calls. A path that is gone, or is now a link or no directory where one was (an
 * entry a later entry of the same layer removed or replaced; the replacement is synced on its own),
 * has nothing left to make durable: its directory's fsync covers its name.
 */
final class DiskSync {

    /** fsyncs at once. */
    static final int THREADS = 8;
    /** Files and directories from which a batch may take one syncfs instead. */
    static final int MANY = 256;
    /** Dirty and writeback memory of the whole system under which a large batch takes one syncfs. */
    static final long QUIET_BYTES = 128L << 20;

    private static final Path MEMINFO = Path.of("/proc/meminfo");
    /** The one pool of the process; its threads end when idle. */
    private static final ThreadPoolExecutor POOL = pool();

    private final Consumer<Path> onSynced;
    private final LongSupplier dirtyBytes;
    private final LongAdder fileSystemSyncs = new LongAdder();

    /**
     * @param onSynced   told each path once it is synced (tests check what was)
     * @param dirtyBytes the system's memory waiting to be written ({@link #dirtyBytes()}), negative when unknown
     */
    DiskSync(Consumer<Path> onSynced, LongSupplier dirtyBytes) {
        this.onSynced = onSynced;
        this.dirtyBytes = dirtyBytes;
    }

    DiskSync(Consumer<Path> onSynced) {
        this(onSynced, DiskSync::dirtyBytes);
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

    /** {@link #all(Collection, Collection, long)} of a batch that wrote little. */
    void all(Collection<Path> files, Collection<Path> dirs) throws IOException {
        all(files, dirs, 0);
    }

    /**
     * These files and directories on the disk: fsyncs {@link #THREADS} at once, or one syncfs for
     * {@link #MANY} or more while the system is quiet but for the {@code written} bytes of the batch
     * (a layer's tar: its own files may still be in memory). Returns once every one is.
     */
    void all(Collection<Path> files, Collection<Path> dirs, long written) throws IOException {
        List<Path> paths = new ArrayList<>(files.size() + dirs.size());
        paths.addAll(files);
        paths.addAll(dirs);
        int fileCount = files.size();
        if (paths.size() >= MANY) {
            long dirty = dirtyBytes.getAsLong();
            if (dirty >= 0 && dirty - written < QUIET_BYTES) {
                LayerCalls.syncFileSystem(dirs.isEmpty() ? files.iterator().next().getParent() : dirs.iterator().next());
                fileSystemSyncs.increment();
                paths.forEach(onSynced);
                return;
            }
        }
        if (paths.size() == 1) {
            sync(paths.get(0), fileCount == 0);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>(THREADS);
        try {
            for (int w = 0; w < Math.min(THREADS, paths.size()); w++) {
                workers.add(POOL.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < paths.size(); ) {
                        sync(paths.get(i), i >= fileCount);
                    }
                    return null;
                }));
            }
        } finally {
            awaitAll(workers);
        }
    }

    /** How many batches took a syncfs (for tests). */
    long fileSystemSyncs() {
        return fileSystemSyncs.sum();
    }

    /** Dirty and Writeback of /proc/meminfo, in bytes; -1 when it cannot be read. */
    static long dirtyBytes() {
        try {
            long kb = 0;
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("Dirty:") || line.startsWith("Writeback:")) {
                    kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return kb << 10;
        } catch (IOException | RuntimeException e) {
            return -1;
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
