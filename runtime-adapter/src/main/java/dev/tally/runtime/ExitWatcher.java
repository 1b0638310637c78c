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
 * reports each exit once, with the file's time as the exit time.
 */
final class ExitWatcher {

    private final Path dir;
    private final BiConsumer<String, ContainerRuntime.Exit> sink;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-exit-handler");
        t.setDaemon(true);
        return t;
    });

    ExitWatcher(Path dir, BiConsumer<String, ContainerRuntime.Exit> sink) {
        this.dir = dir;
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
                        read(dir.resolve(id)).ifPresent(exit -> report(id, exit));
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(String id, ContainerRuntime.Exit exit) {
        if (!reported.add(id + "@" + exit.at().toEpochMilli())) {
            return;
        }
        handlers.execute(() -> {
            try {
                sink.accept(id, exit);
            } catch (RuntimeException e) {
                System.err.println("tallyd: recording the exit of " + id + " failed: " + e.getMessage());
            }
        });
    }

    /** The exit recorded in {@code file}, if the file is there and complete. */
    static Optional<ContainerRuntime.Exit> read(Path file) {
        try {
            String text = Files.readString(file).strip();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ContainerRuntime.Exit(Integer.parseInt(text),
                    Files.getLastModifiedTime(file).toInstant()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
