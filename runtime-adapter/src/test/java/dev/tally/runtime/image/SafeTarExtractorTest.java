package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTarExtractorTest {

    @TempDir
    Path dir;

    private Path root() throws IOException {
        return Files.createDirectories(dir.resolve("root"));
    }

    @Test
    void unpacksFilesDirectoriesAndLinksInsideTheRoot() throws IOException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder().dir("etc").file("etc/hostname", "box\n")
                .symlink("bin/sh", "busybox").file("bin/busybox", "elf")
                .link("bin/ash", "bin/busybox", TarConstants.LF_LINK).done());
        assertEquals("box\n", Files.readString(root.resolve("etc/hostname")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
        assertEquals("elf", Files.readString(root.resolve("bin/ash")));
    }

    @Test
    void dotDotEntriesThatLeaveTheRootAreRejected() throws IOException {
        Path root = root();
        var tar = new TarBuilder().file("../escaped", "x").done();
        DomainException e = assertThrows(DomainException.class, () -> new SafeTarExtractor(root).extract(tar));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertFalse(Files.exists(dir.resolve("escaped")));
    }

    @Test
    void absoluteNamesLandInsideTheRoot() throws IOException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder().file("/etc/motd", "hi").done());
        assertEquals("hi", Files.readString(root.resolve("etc/motd")));
    }

    @Test
    void writingThroughASymlinkTheArchiveMadeIsRejected() throws IOException {
        Path root = root();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        var tar = new TarBuilder().link("evil", outside.toString(), TarConstants.LF_SYMLINK).file("evil/planted", "x").done();
        assertThrows(DomainException.class, () -> new SafeTarExtractor(root).extract(tar));
        assertFalse(Files.exists(outside.resolve("planted")), "nothing may be written outside the root");
    }

    @Test
    void relativeSymlinkChainsCannotCarryWritesOut() throws IOException {
        Path root = root();
        var tar = new TarBuilder().link("up", "..", TarConstants.LF_SYMLINK).file("up/planted", "x").done();
        assertThrows(DomainException.class, () -> new SafeTarExtractor(root).extract(tar));
        assertFalse(Files.exists(dir.resolve("planted")));
    }

    @Test
    void hardLinksToFilesOutsideTheRootAreRejected() throws IOException {
        Path root = root();
        Files.writeString(dir.resolve("secret"), "s");
        var tar = new TarBuilder().link("copy", "../secret", TarConstants.LF_LINK).done();
        assertThrows(DomainException.class, () -> new SafeTarExtractor(root).extract(tar));
        assertFalse(Files.exists(root.resolve("copy")));
    }

    @Test
    void aSymlinkReplacingAFileIsNotFollowedOnRewrite() throws IOException {
        Path root = root();
        Path target = dir.resolve("target");
        Files.writeString(target, "original");
        new SafeTarExtractor(root).extract(new TarBuilder().link("f", target.toString(), TarConstants.LF_SYMLINK)
                .file("f", "replaced").done());
        assertEquals("original", Files.readString(target), "the link is replaced, its target untouched");
        assertTrue(Files.isRegularFile(root.resolve("f")));
    }
}
