package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemappedFilesTest {

    @TempDir
    Path tmp;

    @Test
    void aClosedDirectoryAboveTheDataRootIsNamedNotChanged() throws IOException {
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Files.setAttribute(closed, "unix:mode", 0700);
        Files.setAttribute(tmp, "unix:mode", 0711);
        Path dataRoot = Files.createDirectories(closed.resolve("data"));
        DomainException e = assertThrows(DomainException.class,
                () -> RemappedFiles.requireReachable(dataRoot));
        assertTrue(e.getMessage().contains(closed + " is mode 700"), e.getMessage());
        assertEquals(0700, (Integer) Files.getAttribute(closed, "unix:mode") & 07777);
    }

    @Test
    void anOwnerBeyondTheRangeKeepsNoSetuidBitInTheOwnershipLayer() throws IOException {
        Path layer = Files.createDirectories(tmp.resolve("layer"));
        Path root = Files.writeString(layer.resolve("root-setuid"), "x");
        Path beyond = Files.writeString(layer.resolve("beyond-setuid"), "x");
        Files.setAttribute(beyond, "unix:uid", 231072);
        Files.setAttribute(beyond, "unix:gid", 231072);
        Files.setAttribute(root, "unix:mode", 06755);
        Files.setAttribute(beyond, "unix:mode", 06755);
        IdRemap range = new IdRemap(100000, 100000, 65536);
        Path made = RemappedFiles.ownershipLayer(Files.createDirectories(tmp.resolve("cache")), "abc",
                java.util.List.of(layer), range);
        assertEquals(100000, Files.getAttribute(made.resolve("root-setuid"), "unix:uid"));
        assertEquals(06755, (Integer) Files.getAttribute(made.resolve("root-setuid"), "unix:mode") & 07777,
                "a set-uid file of the image's root is set-uid to the range's root");
        assertEquals(231072, Files.getAttribute(made.resolve("beyond-setuid"), "unix:uid"));
        assertEquals(0755, (Integer) Files.getAttribute(made.resolve("beyond-setuid"), "unix:mode") & 07777,
                "a host id beyond the range is not handed out by a set-uid or set-gid bit");
    }
}
