package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.volume.VolumeService;
import dev.tally.domain.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Volumes as directories: {@code volumes/<name>/_data}, as Docker's local driver lays them out. */
public final class LocalVolumes implements VolumeStore {

    /** Beside a volume's data while an image's content is copied into it. */
    static final String COPYING = "copying";

    private final Path root;

    /** One lock per volume for its copy-up ({@link #fillIfEmpty}); a few bytes per volume name ever copied into. */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> copyLocks = new java.util.concurrent.ConcurrentHashMap<>();

    public LocalVolumes(Path dataRoot) {
        this.root = dataRoot.resolve("volumes");
    }

    Path dataDir(String name) {
        VolumeService.requireValidName(name);
        return root.resolve(name).resolve("_data");
    }

    @Override
    public String create(String name) {
        Path data = dataDir(name);
        if (Files.exists(data.getParent(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new DomainException(DomainException.Kind.FAILED, "create volume " + name + ": the data of a removed "
                    + "volume of that name is still on the host (it is removed at the daemon's next start)");
        }
        ensure(name);
        return data.toString();
    }

    @Override
    public void ensure(String name) {
        try {
            Files.createDirectories(dataDir(name));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "create volume " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fills the volume's data by {@code copy} if it is empty; whether it was empty. The copy is
     * marked under way ({@code volumes/<name>/copying}, beside the data) before its first file and
     * unmarked once whole: a copy that fails is undone here, and one a kill cut short is undone by
     * {@link #undoUnfinishedCopies} at the next start, or by the next copy into the volume; either way
     * the volume is empty again, never half an image's content taken for the volume's own. One copy
     * at a time into a volume (two containers created at once with the same empty volume copy once);
     * copies into different volumes go on side by side, so one user's large copy holds up no other's.
     */
    public boolean fillIfEmpty(String name, java.util.function.Consumer<Path> copy) {
        synchronized (copyLocks.computeIfAbsent(name, n -> new Object())) {
            return fillIfEmptyNow(name, copy);
        }
    }

    private boolean fillIfEmptyNow(String name, java.util.function.Consumer<Path> copy) {
        Path data = dataDir(name);
        Path marker = data.resolveSibling(COPYING);
        if (Files.exists(marker, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            undoCopy(name);
        }
        if (!empty(data)) {
            return false;
        }
        try {
            Files.createFile(marker);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "mark the copy into volume " + name + ": "
                    + e.getMessage(), e);
        }
        try {
            copy.accept(data);
        } catch (RuntimeException e) {
            try {
                undoCopy(name);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        try {
            Files.delete(marker);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "unmark the copy into volume " + name + ": "
                    + e.getMessage(), e);
        }
        return true;
    }

    /** Empties every volume whose copy a stop cut short ({@link #fillIfEmpty}); run at start, before any container does. */
    public void undoUnfinishedCopies() {
        for (String name : names()) {
            if (Files.exists(root.resolve(name).resolve(COPYING), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                undoCopy(name);
                System.out.println("tallyd: volume " + name + ": emptied the copy of an image's content a stop cut short");
            }
        }
    }

    /** What a copy made goes (each entry removed by descriptor, no link followed), then its mark. */
    private void undoCopy(String name) {
        Path data = dataDir(name);
        if (Files.isDirectory(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (java.util.stream.Stream<Path> entries = Files.list(data)) {
                for (Path entry : entries.toList()) {
                    Trees.delete(entry, "the unfinished copy into volume " + name);
                }
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.FAILED, "list volume " + name + ": " + e.getMessage(), e);
            }
        }
        try {
            Files.deleteIfExists(data.resolveSibling(COPYING));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "unmark the copy into volume " + name + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean empty(Path data) {
        try (java.util.stream.Stream<Path> entries = Files.list(data)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + data + ": " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Set<String> names() {
        if (!Files.isDirectory(root)) {
            return java.util.Set.of();
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(root)) {
            return dirs.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long bytes(String name) {
        return DiskUsage.bytes(dataDir(name));
    }

    @Override
    public String mountpoint(String name) {
        return dataDir(name).toString();
    }

    @Override
    public void remove(String name) {
        Trees.delete(dataDir(name).getParent(), "volume " + name);
    }
}
