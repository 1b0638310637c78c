package dev.tally.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * What test runs whose JVM was killed left under /tmp: a {@link Daemon}'s clean-up runs only when its
 * JVM ends normally, so a killed run leaves its tallyd, its containers (runc state, conmon), their
 * rootfs mounts and its root behind, and CI on a reused machine would start among them. Each root
 * names the JVM that made it ({@link #OWNER}: its pid and start time); before the first daemon of a
 * JVM starts, every root whose JVM is gone is swept: the processes that name it killed (its tallyd,
 * conmon), its runc containers deleted, its mounts unmounted, the directory removed. A root of a live
 * JVM is never touched. A root without the file (made before it existed) is swept only when no process
 * names it and nothing was added to it or removed for {@link #UNMARKED_AGE}.
 */
final class DeadRuns {

    /** The file in a root that names the JVM it belongs to. */
    static final String OWNER = ".owner";
    /** The roots' and their temporary files' prefix under /tmp. */
    static final String PREFIX = "tally-it";
    /** How long a root without an owner, or a temporary file of {@link Daemon#exec}, is left alone. */
    static final Duration UNMARKED_AGE = Duration.ofHours(6);
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private DeadRuns() {
    }

    /** Marks the root as this JVM's. */
    static void own(Path root) throws IOException {
        Files.writeString(root.resolve(OWNER), token(ProcessHandle.current()));
    }

    /** Sweeps /tmp once per JVM, before its first daemon. */
    static void sweepOnce() {
        if (SWEPT.compareAndSet(false, true)) {
            List<Path> swept = sweep(Path.of("/tmp"));
            if (!swept.isEmpty()) {
                System.out.println("DeadRuns: swept what killed test runs left: " + swept);
            }
        }
    }

    /** Sweeps every dead run's root (and old temporary file) under {@code dir}; the roots swept. */
    static List<Path> sweep(Path dir) {
        List<Path> swept = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).sorted().toList()) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (dead(p)) {
                        sweepRoot(p);
                        swept.add(p);
                    }
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && untouchedFor(p, UNMARKED_AGE)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            System.err.println("DeadRuns: sweeping " + dir + ": " + e);
        }
        return swept;
    }

    /** Whether the run that made this root is over: its JVM gone, or (no owner named) nothing names it for long. */
    static boolean dead(Path root) throws IOException {
        Path owner = root.resolve(OWNER);
        if (Files.isRegularFile(owner)) {
            return !alive(Files.readString(owner).strip());
        }
        return untouchedFor(root, UNMARKED_AGE) && namers(root).isEmpty();
    }

    /** Kills what names the root, deletes its runc containers, unmounts what is mounted under it, removes it. */
    static void sweepRoot(Path root) {
        for (ProcessHandle p : namers(root)) {
            p.destroyForcibly();
            p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> p).join();
        }
        Path runc = root.resolve("run/runc");
        if (Files.isDirectory(runc)) {
            for (String id : Daemon.exec(List.of("runc", "--root", runc.toString(), "list", "-q"), Map.of()).out()
                    .split("\\s+")) {
                if (!id.isBlank()) {
                    Daemon.exec(List.of("runc", "--root", runc.toString(), "delete", "-f", id), Map.of());
                }
            }
        }
        for (String mount : mountsUnder(root)) {
            if (Daemon.exec(List.of("umount", mount), Map.of()).code() != 0) {
                Daemon.exec(List.of("umount", "-l", mount), Map.of());
            }
        }
        Daemon.exec(List.of("rm", "-rf", "--one-file-system", root.toString()), Map.of());
    }

    /** The mount points at or under the root, deepest first. */
    static List<String> mountsUnder(Path root) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(l -> l.split(" ")[4].replace("\\040", " "))
                    .filter(m -> m.equals(root.toString()) || m.startsWith(root + "/"))
                    .distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("read the mount table", e);
        }
    }

    /** Processes whose command line names the root or a path under it (tallyd's --data-root, conmon's bundle). */
    static List<ProcessHandle> namers(Path root) {
        String under = root + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> cmdline(p).map(c -> c.contains(under) || c.endsWith(root.toString())).orElse(false))
                .toList();
    }

    /** The process's command line, its arguments joined by spaces; empty once it is gone. */
    static Optional<String> cmdline(ProcessHandle p) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ').strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean untouchedFor(Path p, Duration age) throws IOException {
        return Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant()
                .isBefore(Instant.now().minus(age));
    }

    /** A process as its pid and start time, so that a reused pid is not taken for it. */
    static String token(ProcessHandle p) {
        return p.pid() + " " + p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static boolean alive(String token) {
        String[] parts = token.split(" ");
        try {
            return ProcessHandle.of(Long.parseLong(parts[0])).filter(ProcessHandle::isAlive)
                    .map(p -> token(p).equals(token)).orElse(false);
        } catch (RuntimeException e) {
            return true; // a file this class did not write: not ours to judge
        }
    }
}
