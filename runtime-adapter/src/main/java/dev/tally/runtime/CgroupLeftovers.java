package dev.tally.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cgroups of a container whose {@code runc create} never finished (its runc was killed): runc
 * made them and no runc state remains to delete them. Only for a container that never started:
 * every process still in them is killed.
 */
final class CgroupLeftovers {

    private CgroupLeftovers() {
    }

    /**
     * Kills what is left in the container's cgroups ({@code cgroupsPath} as in its spec), waits up
     * to {@code limit} for it to end, and removes the directories. Returns those it could not remove.
     */
    static List<String> remove(String cgroupsPath, Duration limit) {
        if (cgroupsPath.isEmpty()) {
            return List.of();
        }
        List<Path> dirs = CgroupHierarchy.host().at(cgroupsPath).directories();
        List<CompletableFuture<ProcessHandle>> ending = new ArrayList<>();
        for (Path dir : dirs) {
            for (long pid : pids(dir)) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroyForcibly();
                    ending.add(p.onExit());
                });
            }
        }
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
                    .get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // A process not yet reaped by its new parent: it has left the cgroup all the same.
        }
        List<String> left = new ArrayList<>();
        for (Path dir : dirs) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                left.add(dir + " (" + e.getMessage() + ")");
            }
        }
        return left;
    }

    private static List<Long> pids(Path dir) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return pids;
        }
        return pids;
    }
}
