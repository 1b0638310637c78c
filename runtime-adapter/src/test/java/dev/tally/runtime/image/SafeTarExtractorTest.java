package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /** A file a later entry of the same layer whited out is a device 0/0 now: no file to open and sync. */
    @Test
    void whatATreesSyncCoversIsWhatItHoldsNotWhatALaterEntryWhitedOut() throws IOException {
        Path root = root();
        SafeTarExtractor x = new SafeTarExtractor(root);
        x.extract(new TarBuilder().dir("etc").file("etc/a", "1").hardlink("etc/b", "etc/a").file("etc/.wh.a", "")
                .dir("var/d").file("var/d/f", "2").file("var/.wh.d", "").done());
        assertEquals(java.util.Set.of(root.resolve("etc/b")), x.files());
        assertTrue(x.dirs().containsAll(java.util.Set.of(root, root.resolve("etc"), root.resolve("var"))));
        assertFalse(x.dirs().contains(root.resolve("var/d")));
        new DiskSync().all(x.files(), x.dirs());
        assertEquals("1", Files.readString(root.resolve("etc/b")));
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
    void aDirectoryKnownRealThatALaterEntryReplacesByALinkIsCheckedAgain() throws IOException {
        Path root = root();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        var tar = new TarBuilder().dir("d/e").file("d/e/f", "x") // d/e is known to be a real directory now
                .file("d/.wh.e", "") // whited out: deleted
                .link("d/e", outside.toString(), TarConstants.LF_SYMLINK) // and made a link out
                .file("d/e/planted", "x").done();
        assertThrows(DomainException.class, () -> new SafeTarExtractor(root).extract(tar));
        assertFalse(Files.exists(outside.resolve("planted")), "nothing may be written outside the root");
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

    @Test
    void aFileOrEmptyDirectoryWrittenAgainByALaterEntryHoldsTheLaterContent() throws IOException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder().file("f", "first").file("f", "second")
                .dir("d").file("d", "now a file").done());
        assertEquals("second", Files.readString(root.resolve("f")));
        assertEquals("now a file", Files.readString(root.resolve("d")));
    }

    @Test
    void aWhiteoutBecomesOverlaysCharacterDeviceZeroZero() throws IOException, InterruptedException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder().dir("etc").file("etc/.wh.motd", "").done());
        Path hidden = root.resolve("etc/motd");
        assertEquals("c 0 0", RealStat.typeAndDevice(hidden));
        assertFalse(Files.exists(root.resolve("etc/.wh.motd")), "the marker itself is not kept");
    }

    @Test
    void anOpaqueMarkerSetsOverlaysOpaqueAttributeOnItsDirectory() throws IOException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder().dir("var/cache").file("var/cache/.wh..wh..opq", "")
                .file("var/cache/new", "n").done());
        assertEquals("y", new String(LayerCalls.getXattr(root.resolve("var/cache"), "trusted.overlay.opaque"),
                StandardCharsets.UTF_8));
        assertFalse(Files.exists(root.resolve("var/cache/.wh..wh..opq")));
        assertEquals("n", Files.readString(root.resolve("var/cache/new")));
    }

    @Test
    void aWhiteoutCannotReachOutOfTheRootOrThroughALink() throws IOException {
        Path root = root();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "k");
        assertThrows(DomainException.class, () -> new SafeTarExtractor(root)
                .extract(new TarBuilder().file("../outside/.wh.keep", "").done()));
        assertThrows(DomainException.class, () -> new SafeTarExtractor(root)
                .extract(new TarBuilder().symlink("out", outside.toString()).file("out/.wh.keep", "").done()));
        assertEquals("k", Files.readString(outside.resolve("keep")));
    }

    @Test
    void aLayerCannotSetOverlaysOwnAttributesButKeepsUserOnes() throws IOException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder()
                .fileWithXattr("a", "x", "user.origin", "layer")
                .fileWithXattr("b", "x", "trusted.overlay.redirect", "/etc").done());
        assertEquals("layer", new String(LayerCalls.getXattr(root.resolve("a"), "user.origin"), StandardCharsets.UTF_8));
        assertNull(LayerCalls.getXattr(root.resolve("b"), "trusted.overlay.redirect"));
    }

    @Test
    void binaryAttributeValuesAreKeptByteForByte() throws IOException {
        Path root = root();
        byte[] binary = {(byte) 0x80, (byte) 0xff, 0, 1, '=', '\n', (byte) 0xc3};
        // VFS_CAP_REVISION_2 with cap_setuid (bit 7) permitted and effective: a 0x80 byte, as Docker layers carry it
        byte[] setuidCap = {1, 0, 0, 2, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        new SafeTarExtractor(root).extract(new TarBuilder()
                .fileWithRawXattrs("bin/ping", "elf", java.util.Map.of("user.bin", binary,
                        "security.capability", setuidCap))
                .fileWithXattr("plain", "x", "user.origin", "layer")
                .fileWithRawXattrs("after", "y", java.util.Map.of("user.text", "é".getBytes(StandardCharsets.UTF_8)))
                .done());
        org.junit.jupiter.api.Assertions.assertArrayEquals(binary, LayerCalls.getXattr(root.resolve("bin/ping"), "user.bin"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(setuidCap,
                LayerCalls.getXattr(root.resolve("bin/ping"), "security.capability"));
        assertEquals("layer", new String(LayerCalls.getXattr(root.resolve("plain"), "user.origin"), StandardCharsets.UTF_8));
        assertNull(LayerCalls.getXattr(root.resolve("plain"), "user.bin"), "one entry's attributes are not the next's");
        assertEquals("é", new String(LayerCalls.getXattr(root.resolve("after"), "user.text"), StandardCharsets.UTF_8));
        assertEquals("elf", Files.readString(root.resolve("bin/ping")));
    }

    @Test
    void paxRecordsAreReadAsBytes() {
        byte[] records = "26 SCHILY.xattr.user.a=\u0001\u0080\n12 path=x/y\n".getBytes(StandardCharsets.ISO_8859_1);
        java.util.Map<String, byte[]> values = PaxXattrTap.values(records, records.length);
        assertEquals(java.util.Set.of("user.a"), values.keySet());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, (byte) 0x80}, values.get("user.a"));
    }

    @Test
    void setUidBitsOwnersAndHardLinksAreKept() throws IOException {
        Path root = root();
        TarBuilder tar = new TarBuilder().file("bin/su", "elf", 04755).hardlink("bin/su2", "bin/su");
        new SafeTarExtractor(root).extract(tar.done());
        assertEquals(04755, (int) Files.getAttribute(root.resolve("bin/su"), "unix:mode") & 07777);
        assertEquals(Files.getAttribute(root.resolve("bin/su"), "unix:ino"), Files.getAttribute(root.resolve("bin/su2"),
                "unix:ino"), "one file, two names");
        assertEquals(0, (int) Files.getAttribute(root.resolve("bin/su"), "unix:uid"));
    }

    @Test
    void devicesAndFifosAreNotKept() throws IOException {
        Path root = root();
        new SafeTarExtractor(root).extract(new TarBuilder().special("dev/null", TarConstants.LF_CHR)
                .special("run/fifo", TarConstants.LF_FIFO).done());
        assertFalse(Files.exists(root.resolve("dev/null"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("run/fifo"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
