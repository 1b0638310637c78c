package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a kill leaves under the data root's tmp/ goes at the next start, whichever writer left it. The
 * crash series found a {@code cp} spool ({@code copy…tar}) that every later start kept: only the image
 * store's own partial writes (by name) were cleared.
 */
class ScratchSpaceTest {

    @TempDir
    Path root;

    @Test
    void everyWritersLeftoverIsDeletedNotOnlyTheImageStores() throws Exception {
        Path tmp = root.resolve("tmp");
        Files.createDirectories(tmp.resolve("unpack123/etc"));
        Files.writeString(tmp.resolve("unpack123/etc/passwd"), "root:x:0:0");
        Files.writeString(tmp.resolve("blob9.part"), "half");
        Files.writeString(tmp.resolve("copy8765711473121146588.tar"), "a cp cut short");
        Files.createDirectories(tmp.resolve("load42/blobs"));
        Files.writeString(tmp.resolve("archive77.tar"), "a read cut short");
        assertEquals(List.of("archive77.tar", "blob9.part", "copy8765711473121146588.tar", "load42", "unpack123"),
                ScratchSpace.clear(tmp));
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aMissingTmpIsMadeEmpty() {
        assertEquals(List.of(), ScratchSpace.clear(root.resolve("tmp")));
        assertEquals(true, Files.isDirectory(root.resolve("tmp")));
    }
}
