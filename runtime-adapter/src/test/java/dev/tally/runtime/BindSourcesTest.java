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

class BindSourcesTest {

    @TempDir
    Path dir;

    @Test
    void symbolicLinksAreResolvedAlsoBelowPathsThatDoNotExistYet() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared")).toRealPath();
        Path secret = Files.createDirectories(dir.resolve("secret")).toRealPath();
        Files.createSymbolicLink(shared.resolve("link"), secret);
        assertEquals(secret.toString(), BindSources.realPath(shared + "/link"));
        assertEquals(secret + "/new/dir", BindSources.realPath(shared + "/link/new/dir"));
        assertEquals(secret.toString(), BindSources.realPath(shared + "/new/../../secret"));
        assertEquals(shared + "/alice", BindSources.realPath(shared + "/alice"));
    }

    @Test
    void aDanglingLinkOrARelativePathIsInvalid() throws IOException {
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThrows(DomainException.class, () -> BindSources.realPath(dir.toRealPath() + "/dangling"));
        assertThrows(DomainException.class, () -> BindSources.realPath("relative/path"));
    }

    @Test
    void aSourceSwappedForALinkAfterItWasCheckedIsRefused() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared")).toRealPath();
        Path data = Files.createDirectories(shared.resolve("data"));
        BindSources.requireUnchanged(data.toString());
        Files.delete(data);
        Files.createSymbolicLink(data, Path.of("/etc"));
        DomainException e = assertThrows(DomainException.class, () -> BindSources.requireUnchanged(data.toString()));
        assertTrue(e.getMessage().contains("refusing to follow it"), e.getMessage());
    }
}
