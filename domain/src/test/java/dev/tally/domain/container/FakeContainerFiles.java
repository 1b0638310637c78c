package dev.tally.domain.container;

import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Files of containers as a test scripts them: how many device nodes a checked archive holds, what an extract does. */
final class FakeContainerFiles implements ContainerFiles {

    long devices;
    RuntimeException extractFailure;
    final List<String> extracted = new ArrayList<>();

    @Override
    public PathStat stat(String id, String path) {
        return new PathStat(path.substring(path.lastIndexOf('/') + 1), 0, 0040755, Instant.EPOCH, "");
    }

    @Override
    public void archive(String id, String path, OutputStream out) {
    }

    @Override
    public ArchiveCheck check(String id, String path, Upload tar, CopyOptions options) {
        return new ArchiveCheck(1 + devices, devices, devices > 0 ? "dev/null" : "");
    }

    @Override
    public void extract(String id, String path, Upload tar, CopyOptions options) {
        if (extractFailure != null) {
            throw extractFailure;
        }
        extracted.add(id + ":" + path + ":" + options);
    }

    @Override
    public List<Change> changes(String id) {
        return List.of(new Change("/tmp", 0));
    }

    @Override
    public void export(String id, OutputStream out) {
    }

    @Override
    public void layer(String id, OutputStream out) {
    }
}
