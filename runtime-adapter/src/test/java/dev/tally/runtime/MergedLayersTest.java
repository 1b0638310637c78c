package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An image's file read as its container would see it: layers merged, whiteouts and opaque directories
 * honoured, links resolved inside the image, never on the host. Run as root (whiteouts are devices).
 */
class MergedLayersTest {

    private Path base;
    private Path top;
    private Path bottom;

    @BeforeEach
    void layers() throws IOException {
        base = Files.createTempDirectory("merged-layers");
        top = Files.createDirectories(base.resolve("top"));
        bottom = Files.createDirectories(base.resolve("bottom"));
        Files.createDirectories(bottom.resolve("etc"));
        Files.writeString(bottom.resolve("etc/passwd"), "bottom\n");
    }

    @AfterEach
    void clean() {
        Trees.delete(base, "test layers");
    }

    private Optional<String> read(String path) {
        try (MergedLayers m = new MergedLayers(List.of(top, bottom))) {
            return m.read(path, 1 << 20).map(b -> new String(b, StandardCharsets.UTF_8));
        }
    }

    private static void whiteout(Path p) throws Exception {
        Process mknod = new ProcessBuilder("mknod", p.toString(), "c", "0", "0").inheritIO().start();
        assertEquals(0, mknod.waitFor());
    }

    private static void opaque(Path dir) throws Exception {
        Process set = new ProcessBuilder("python3", "-c", "import os,sys; os.setxattr(sys.argv[1], "
                + "'trusted.overlay.opaque', b'y')", dir.toString()).inheritIO().start();
        assertEquals(0, set.waitFor());
    }

    @Test
    void theTopmostLayersFileWinsAndALowerOneShowsThroughWhereTheTopHasNone() throws IOException {
        assertEquals(Optional.of("bottom\n"), read("/etc/passwd"));
        Files.createDirectories(top.resolve("etc"));
        Files.writeString(top.resolve("etc/passwd"), "top\n");
        assertEquals(Optional.of("top\n"), read("/etc/passwd"));
    }

    @Test
    void aWhiteoutOrAnOpaqueDirectoryHidesTheLowerFile() throws Exception {
        Files.createDirectories(top.resolve("etc"));
        whiteout(top.resolve("etc/passwd"));
        assertEquals(Optional.empty(), read("/etc/passwd"));
        Files.delete(top.resolve("etc/passwd"));
        opaque(top.resolve("etc"));
        assertEquals(Optional.empty(), read("/etc/passwd"));
        Files.delete(top.resolve("etc"));
        whiteout(top.resolve("etc"));
        assertEquals(Optional.empty(), read("/etc/passwd"), "a whiteout of the directory hides all below it");
    }

    @Test
    void aLinkToTheHostsEtcLeadsToTheImagesOwnNeverTheHosts() throws IOException {
        Files.createSymbolicLink(top.resolve("etc"), Path.of("/etc"));
        assertEquals(Optional.empty(), read("/etc/passwd"), "/etc -> /etc is a loop inside the image");
        Files.delete(top.resolve("etc"));
        Files.createSymbolicLink(top.resolve("etc"), Path.of("../../../../../../etc"));
        assertEquals(Optional.empty(), read("/etc/passwd"));
        Files.delete(top.resolve("etc"));
        Files.createDirectories(top.resolve("etc"));
        Files.createSymbolicLink(top.resolve("etc/passwd"), Path.of("/etc/shadow"));
        assertEquals(Optional.empty(), read("/etc/passwd"), "the image has no /etc/shadow: the host's is never read");
        assertTrue(Files.exists(Path.of("/etc/passwd")));
    }

    @Test
    void aLinkIsResolvedAcrossLayersInTheMergedView() throws IOException {
        Files.createDirectories(bottom.resolve("private/etc"));
        Files.writeString(bottom.resolve("private/etc/group"), "linked\n");
        Files.createSymbolicLink(top.resolve("etc"), Path.of("private/etc"));
        assertEquals(Optional.of("linked\n"), read("/etc/group"));
        Files.createDirectories(top.resolve("usr"));
        Files.createSymbolicLink(top.resolve("usr/g"), Path.of("../etc/group"));
        assertEquals(Optional.of("linked\n"), read("/usr/g"));
    }
}
