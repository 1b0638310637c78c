package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataRootAccessTest {

    @TempDir
    Path tmp;

    @Test
    void theRootAndContainersAreTraversableOnlyAndEveryOtherTopDirectoryIsRootsAlone() throws IOException {
        Path dataRoot = tmp.resolve("data");
        DataRootAccess.close(dataRoot);
        assertEquals(0711, mode(dataRoot));
        assertEquals(0711, mode(dataRoot.resolve("containers")));
        for (String closed : new String[] {"events", "blobs", "images", "layers", "remap", "exits", "tmp", "volumes", "leftovers"}) {
            assertEquals(0700, mode(dataRoot.resolve(closed)), closed);
        }
    }

    @Test
    void anOlderDataRootsOpenDirectoriesAndBundlesAreClosedAtStart() throws IOException {
        Path dataRoot = tmp.resolve("data");
        IdRemap range = new IdRemap(200000, 300000, 65536);
        Path plain = Files.createDirectories(dataRoot.resolve("containers/plain/rootfs"));
        Path remapped = Files.createDirectories(dataRoot.resolve("containers/remapped/rootfs"));
        Files.writeString(remapped.resolveSibling("remap"), range.asLine());
        Path layer = Files.createDirectories(dataRoot.resolve("layers/abc"));
        for (Path p : new Path[] {dataRoot, dataRoot.resolve("containers"), plain.getParent(), remapped.getParent(),
                layer.getParent()}) {
            Files.setAttribute(p, "unix:mode", 0755);
        }
        DataRootAccess.close(dataRoot);
        assertEquals(0711, mode(dataRoot));
        assertEquals(0700, mode(dataRoot.resolve("layers")));
        assertEquals(0700, mode(plain.getParent()));
        assertEquals(0, Files.getAttribute(plain.getParent(), "unix:gid"));
        assertEquals(0710, mode(remapped.getParent()));
        assertEquals(0, Files.getAttribute(remapped.getParent(), "unix:uid"));
        assertEquals(300000, Files.getAttribute(remapped.getParent(), "unix:gid"));
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    @Test
    void anyOtherFileOrDirectoryAtTheTopOrAmongTheBundlesIsClosedAtStart() throws IOException {
        Path dataRoot = tmp.resolve("data");
        Path id = Files.writeString(Files.createDirectories(dataRoot).resolve("engine-id"), "x");
        Path other = Files.createDirectories(dataRoot.resolve("of-a-newer-tallyd"));
        Path stray = Files.writeString(Files.createDirectories(dataRoot.resolve("containers")).resolve("stray"), "x");
        Files.setAttribute(id, "unix:mode", 0644);
        Files.setAttribute(other, "unix:mode", 0755);
        Files.setAttribute(stray, "unix:mode", 0664);
        DataRootAccess.close(dataRoot);
        assertEquals(0600, mode(id));
        assertEquals(0700, mode(other));
        assertEquals(0600, mode(stray));
        assertEquals(0711, mode(dataRoot.resolve("containers")));
    }
}
