package dev.tally.runtime;

import dev.tally.domain.container.ContainerRuntime;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Watches the directory where conmon writes one file per exit ({@code <id>}, holding the code) and
 * reports each exit once, with the file's time as the exit time and the pid of the process it ends
 * (read from the container's pid file while the exit file is still the same: see {@link #read(Path, Path)}).
 */
final class ExitWatcher {

    private final Path dir;
    /** A container's pid file (runc's, written by each start's create) by its id. */
    private final java.util.function.Function<String, Path> pidFiles;
    private final BiConsumer<String, ContainerRuntime.Exit> sink;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile WatchService watching;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-exit-handler");
        t.setDaemon(true);
        return t;
    });

    ExitWatcher(Path dir, java.util.function.Function<String, Path> pidFiles, BiConsumer<String, ContainerRuntime.Exit> sink) {
        this.dir = dir;
        this.pidFiles = pidFiles;
        this.sink = sink;
    }

    void start() {
        WatchService ws;
        try {
            ws = dir.getFileSystem().newWatchService();
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            throw new IllegalStateException("watch " + dir + ": " + e.getMessage(), e);
        }
        watching = ws;
        Thread t = new Thread(() -> loop(ws), "tally-exit-watcher");
        t.setDaemon(true);
        t.start();
    }

    private void loop(WatchService ws) {
        try {
            while (true) {
                WatchKey key = ws.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name) {
                        String id = name.toString();
                        read(dir.resolve(id), pidFiles.apply(id)).ifPresent(exit -> report(id, exit));
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes no more exits and waits, for up to {@code grace}, for the exits being recorded to be
     * recorded and their containers' host side released (a {@code --rm} container's rootfs unmounted
     * and deleted), so that a daemon's orderly stop leaves no half-done removal behind. An exit not
     * taken stays in its file for the next start, which records it as it records any exit it finds.
     *
     * @return whether every exit taken was handled within {@code grace}
     */
    boolean stop(java.time.Duration grace) {
        WatchService ws = watching;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                // the loop ends at the close either way
            }
        }
        handlers.shutdown();
        try {
            return handlers.awaitTermination(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void report(String id, ContainerRuntime.Exit exit) {
        if (!reported.add(id + "@" + exit.at().toEpochMilli())) {
            return;
        }
        try {
            handlers.execute(() -> {
                try {
                    sink.accept(id, exit);
                } catch (RuntimeException e) {
                    System.err.println("tallyd: recording the exit of " + id + " failed: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the exit file stays, and the next start records it
            reported.remove(id + "@" + exit.at().toEpochMilli());
        }
    }

    /**
     * The exit recorded in {@code file}, if the file is there and complete, with the pid in
     * {@code pidFile} as the process it ends. The pid file is read between two looks at the exit file:
     * a start deletes the exit file before its create writes a new pid file, so while the exit file
     * is the same file (its identity and time unchanged) the pid file is still the one of the run it
     * ends. When the exit file changed meanwhile, it is read again; a pid that cannot be read is 0
     * (unknown), and so is the pid of an exit file older than the pid file: the pid file's run was
     * created after that exit, so the exit is an earlier run's (a file left or put back), and its time
     * says which.
     */
    static Optional<ContainerRuntime.Exit> read(Path file, Path pidFile) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Seen> before = seen(file);
            if (before.isEmpty()) {
                return Optional.empty();
            }
            long pid = pid(pidFile, before.get().at());
            Optional<Seen> after = seen(file);
            if (after.isEmpty()) {
                return Optional.empty();
            }
            if (after.get().equals(before.get())) {
                return Optional.of(new ContainerRuntime.Exit(before.get().code(), before.get().at(), pid));
            }
        }
        return seen(file).map(s -> new ContainerRuntime.Exit(s.code(), s.at(), 0));
    }

    /** An exit file as read once: which file it is, its time and its code. */
    private record Seen(Object key, java.time.Instant at, int code) {
    }

    private static Optional<Seen> seen(Path file) {
        try {
            java.nio.file.attribute.BasicFileAttributes attrs = Files.readAttributes(file,
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            String text = Files.readString(file).strip();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Seen(attrs.fileKey(), attrs.lastModifiedTime().toInstant(), Integer.parseInt(text)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The pid in the pid file, 0 when there is none or when it was written after {@code exitAt}. */
    private static long pid(Path pidFile, java.time.Instant exitAt) {
        try {
            java.time.Instant written = Files.getLastModifiedTime(pidFile, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return pid > 0 && !exitAt.isBefore(written) ? pid : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
