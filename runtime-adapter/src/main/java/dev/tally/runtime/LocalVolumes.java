package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.volume.VolumeService;
import dev.tally.domain.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Volumes as directories: {@code volumes/<name>/_data}, as Docker's local driver lays them out. */
public final class LocalVolumes implements VolumeStore {

    private final Path root;

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
