package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Copy-up with real files: an image's tree (a hostile one too) copied into a volume's directory as
 * dockerd copies it, every path inside the image's root.
 */
class ImageContentCopyTest {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final FileTime WHEN = FileTime.fromMillis(1_700_000_000_000L);

    private Path tmp;
    private Path image;
    private Path volume;

    @BeforeEach
    void makeAnImage() throws IOException {
        tmp = Files.createTempDirectory(Path.of("/tmp"), "tally-copyup");
        image = Files.createDirectory(tmp.resolve("rootfs"));
        volume = Files.createDirectories(tmp.resolve("volumes/v/_data"));
        Files.createDirectories(image.resolve("etc"));
        Files.writeString(image.resolve("etc/passwd"), "the image's passwd\n");
        Path data = Files.createDirectory(image.resolve("data"));
        Files.writeString(data.resolve("a"), "a\n");
        RealRunc.sh("chown", "1234:5678", data.resolve("a").toString());
        RealRunc.sh("chmod", "0640", data.resolve("a").toString());
        Files.getFileAttributeView(data.resolve("a"), UserDefinedFileAttributeView.class)
                .write("origin", java.nio.ByteBuffer.wrap("image".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Files.setLastModifiedTime(data.resolve("a"), WHEN);
        Files.writeString(data.resolve("su"), "x");
        RealRunc.sh("chmod", "4755", data.resolve("su").toString());
        Files.createDirectories(data.resolve("sub/deeper"));
        Files.writeString(data.resolve("sub/deeper/b"), "b\n");
        Files.writeString(data.resolve("h1"), "linked\n");
        Files.createLink(data.resolve("h2"), data.resolve("h1"));
        Files.createSymbolicLink(data.resolve("out"), Path.of("/etc"));
        Files.createSymbolicLink(data.resolve("up"), Path.of("../../../../etc/passwd"));
        RealRunc.sh("mkfifo", data.resolve("pipe").toString());
        RealRunc.sh("mknod", data.resolve("null").toString(), "c", "1", "3");
        RealRunc.sh("chown", "999:999", data.toString());
        RealRunc.sh("chmod", "0750", data.toString());
        Files.setLastModifiedTime(data, WHEN);
        // a mount path that is a link (absolute, and one that climbs): both stay in the image
        Files.createSymbolicLink(image.resolve("linked"), Path.of("/data"));
        Files.createSymbolicLink(image.resolve("escape"), Path.of("../../../../../etc"));
        Files.writeString(image.resolve("file"), "not a directory");
    }

    @AfterEach
    void cleanUp() {
        Trees.delete(tmp, "test tree");
    }

    private boolean copy(String path) {
        try (InRoot root = InRoot.open(image)) {
            return ImageContentCopy.copy(root, path, volume);
        }
    }

    private static Object attribute(Path p, String name) throws IOException {
        return Files.getAttribute(p, name, NOFOLLOW);
    }

    @Test
    void filesDirectoriesLinksAndFifosAreCopiedWithTheirOwnersModesTimesAndAttributes() throws IOException {
        assertTrue(copy("/data"));
        assertEquals(List.of("a", "h1", "h2", "out", "pipe", "su", "sub", "up"), names(volume));
        assertEquals("a\n", Files.readString(volume.resolve("a")));
        assertEquals(1234, attribute(volume.resolve("a"), "unix:uid"));
        assertEquals(5678, attribute(volume.resolve("a"), "unix:gid"));
        assertEquals(0640, (Integer) attribute(volume.resolve("a"), "unix:mode") & 07777);
        assertEquals(WHEN, Files.getLastModifiedTime(volume.resolve("a")));
        UserDefinedFileAttributeView copied = Files.getFileAttributeView(volume.resolve("a"),
                UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(copied.size("origin"));
        copied.read("origin", value);
        assertEquals("image", new String(value.array(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(04755, (Integer) attribute(volume.resolve("su"), "unix:mode") & 07777, "set-uid kept");
        assertEquals("b\n", Files.readString(volume.resolve("sub/deeper/b")));
        assertEquals(attribute(volume.resolve("h1"), "unix:ino"), attribute(volume.resolve("h2"), "unix:ino"),
                "a hard link stays one file");
        assertEquals(Path.of("/etc"), Files.readSymbolicLink(volume.resolve("out")), "a link is copied as the link");
        assertEquals(Path.of("../../../../etc/passwd"), Files.readSymbolicLink(volume.resolve("up")));
        assertEquals(0010000, (Integer) attribute(volume.resolve("pipe"), "unix:mode") & 0170000, "a FIFO");
        // the directory's own owner, mode and time are the volume's
        assertEquals(999, attribute(volume, "unix:uid"));
        assertEquals(0750, (Integer) attribute(volume, "unix:mode") & 07777);
        assertEquals(WHEN, Files.getLastModifiedTime(volume));
    }

    @Test
    void aDeviceNodeIsLeftOut() throws IOException {
        assertTrue(copy("/data"));
        assertFalse(Files.exists(volume.resolve("null"), NOFOLLOW));
    }

    @Test
    void aMountPathThatIsALinkIsFollowedInsideTheImage() throws IOException {
        assertTrue(copy("/linked"));
        assertEquals("a\n", Files.readString(volume.resolve("a")));
    }

    @Test
    void aLinkThatClimbsOutOfTheImageLandsOnTheImagesRootNotTheHosts() throws IOException {
        assertTrue(copy("/escape"));
        assertEquals(List.of("passwd"), names(volume));
        assertEquals("the image's passwd\n", Files.readString(volume.resolve("passwd")));
    }

    @Test
    void dotDotInTheMountPathStopsAtTheImagesRoot() throws IOException {
        assertTrue(copy("/data/../../../../etc"));
        assertEquals("the image's passwd\n", Files.readString(volume.resolve("passwd")));
    }

    @Test
    void aSymlinkedParentDirectoryIsFollowedInsideTheImage() throws IOException {
        Files.createDirectories(image.resolve("data/sub/inner"));
        Files.writeString(image.resolve("data/sub/inner/c"), "c\n");
        assertTrue(copy("/linked/sub/inner"));
        assertEquals(List.of("c"), names(volume));
    }

    @Test
    void aMissingPathOrAFileCopiesNothing() throws IOException {
        assertFalse(copy("/nowhere"));
        assertFalse(copy("/file"));
        assertEquals(List.of(), names(volume));
        assertEquals(0, attribute(volume, "unix:uid"));
    }

    /** Content found at the copy's start (a container sharing the volume wrote it) is left, and nothing is copied. */
    @Test
    void aVolumeWithContentIsLeftAsItIs() throws IOException {
        Files.writeString(volume.resolve("mine"), "mine");
        assertFalse(copy("/data"));
        assertEquals(List.of("mine"), names(volume));
        assertEquals(0, attribute(volume, "unix:uid"));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
