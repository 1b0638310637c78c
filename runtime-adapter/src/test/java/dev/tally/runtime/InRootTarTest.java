package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A container's root filesystem as {@link InRoot}, {@link TarIntoTree} and {@link TarOfTree} treat it:
 * links are followed inside the root only, an archive never writes through a link (its own or one the
 * container made, even while it is being made), owners are mapped, set-id bits and devices as asked.
 * Run as root, on a temporary tree standing for the root filesystem, with a directory beside it
 * standing for the host.
 */
class InRootTarTest {

    private static final ContainerFiles.CopyOptions USER = new ContainerFiles.CopyOptions(true, false, false, false);
    private static final ContainerFiles.CopyOptions ADMIN = new ContainerFiles.CopyOptions(true, false, true, true);

    private Path base;
    private Path rootfs;
    private Path host;

    @BeforeEach
    void tree() throws IOException {
        base = Files.createTempDirectory("inroot");
        rootfs = Files.createDirectories(base.resolve("rootfs"));
        host = Files.createDirectories(base.resolve("host"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(host.resolve("secret"), "host only");
    }

    @AfterEach
    void clean() {
        Trees.delete(base, "test tree");
    }

    private static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

        Tar file(String name, String content, int mode, int uid) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name);
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            e.setSize(b.length);
            e.setMode(mode);
            e.setUserId(uid);
            e.setGroupId(uid);
            out.putArchiveEntry(e);
            out.write(b);
            out.closeArchiveEntry();
            return this;
        }

        Tar link(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(target);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        Tar device(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR);
            e.setDevMajor(1);
            e.setDevMinor(3);
            e.setMode(0666);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        Tar dir(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
            e.setMode(0755);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            out.finish();
            return bytes.toByteArray();
        }
    }

    private static final TarIntoTree.Owners SAME = new TarIntoTree.Owners() {
        @Override
        public int uid(long uid) {
            return (int) uid;
        }

        @Override
        public int gid(long gid) {
            return (int) gid;
        }

        @Override
        public boolean remapped() {
            return false;
        }
    };

    /** A range of 65536 ids from 100000, as a remapped container has. */
    private static final TarIntoTree.Owners RANGE = new TarIntoTree.Owners() {
        @Override
        public int uid(long uid) {
            if (uid >= 65536) {
                throw DomainException.invalid("cannot be mapped: " + uid);
            }
            return (int) (100000 + uid);
        }

        @Override
        public int gid(long gid) {
            return uid(gid);
        }

        @Override
        public boolean remapped() {
            return true;
        }
    };

    private void extract(byte[] tar, String dest, ContainerFiles.CopyOptions options, TarIntoTree.Owners owners)
            throws IOException {
        TarIntoTree into = new TarIntoTree(options, owners, null);
        into.check(new ByteArrayInputStream(tar));
        try (InRoot root = InRoot.open(rootfs); InRoot.Held d = root.resolve(dest, true)) {
            into.extract(new ByteArrayInputStream(tar), d);
        }
    }

    @Test
    void aDestinationLinkThatPointsOutOfTheRootIsFollowedInsideIt() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("tmp/out"), Path.of("../../../../../../.." + host));
        Files.createDirectories(rootfs.resolve(host.toString().substring(1)));
        extract(new Tar().file("secret", "from the archive", 0644, 0).bytes(), "/tmp/out", USER, SAME);
        assertEquals("host only", Files.readString(host.resolve("secret")));
        assertEquals("from the archive", Files.readString(rootfs.resolve(host.toString().substring(1)).resolve("secret")));
    }

    @Test
    void anAbsoluteLinkInTheRootLeadsToTheRootsOwnPath() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("tmp/abs"), host);
        DomainException e = assertThrows(DomainException.class, () -> extract(new Tar().file("x", "x", 0644, 0).bytes(),
                "/tmp/abs", USER, SAME));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        assertFalse(Files.exists(host.resolve("x")));
    }

    @Test
    void anEntryBelowALinkTheContainerMadeIsRefusedNotFollowed() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("tmp/d"), host);
        DomainException e = assertThrows(DomainException.class, () -> extract(new Tar().file("d/secret", "overwritten",
                0644, 0).bytes(), "/tmp", USER, SAME));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("host only", Files.readString(host.resolve("secret")));
    }

    @Test
    void aLinkTheArchiveMakesCannotBeWrittenThroughAndIsRefusedBeforeAnythingIsMade() throws IOException {
        byte[] tar = new Tar().link("l", host.toString()).file("l/secret", "overwritten", 0644, 0).bytes();
        TarIntoTree into = new TarIntoTree(USER, SAME, null);
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> into.check(new ByteArrayInputStream(tar))).kind());
        assertFalse(Files.exists(rootfs.resolve("tmp/l"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("host only", Files.readString(host.resolve("secret")));
    }

    @Test
    void namesWithDotDotAreRefused() throws IOException {
        byte[] tar = new Tar().file("../../secret", "x", 0644, 0).bytes();
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> new TarIntoTree(USER, SAME, null).check(new ByteArrayInputStream(tar))).kind());
    }

    @Test
    void aFileReplacesALinkRatherThanWritingThroughIt() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("tmp/secret"), host.resolve("secret"));
        extract(new Tar().file("secret", "new", 0644, 0).bytes(), "/tmp", USER, SAME);
        assertEquals("host only", Files.readString(host.resolve("secret")));
        assertFalse(Files.isSymbolicLink(rootfs.resolve("tmp/secret")));
        assertEquals("new", Files.readString(rootfs.resolve("tmp/secret")));
    }

    @Test
    void ownersAreMappedIntoARemappedContainersRangeAndSetIdBitsKeptThere() throws IOException {
        extract(new Tar().file("suid", "x", 04755, 0).file("mine", "y", 0640, 1000).bytes(), "/tmp", USER, RANGE);
        assertEquals(100000, Files.getAttribute(rootfs.resolve("tmp/suid"), "unix:uid"));
        assertEquals(04755, (int) Files.getAttribute(rootfs.resolve("tmp/suid"), "unix:mode") & 07777);
        assertEquals(101000, Files.getAttribute(rootfs.resolve("tmp/mine"), "unix:gid"));
        byte[] tooHigh = new Tar().file("x", "x", 0644, 70000).bytes();
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> new TarIntoTree(USER, RANGE, null).check(new ByteArrayInputStream(tooHigh))).kind());
    }

    @Test
    void setIdBitsAreDroppedWhereTheOwnerWouldBeAHostIdUnlessAnAdminCopies() throws IOException {
        extract(new Tar().file("suid", "x", 06755, 0).bytes(), "/tmp", USER, SAME);
        assertEquals(0755, (int) Files.getAttribute(rootfs.resolve("tmp/suid"), "unix:mode") & 07777);
        extract(new Tar().file("suid2", "x", 06755, 0).bytes(), "/tmp", ADMIN, SAME);
        assertEquals(06755, (int) Files.getAttribute(rootfs.resolve("tmp/suid2"), "unix:mode") & 07777);
    }

    @Test
    void devicesAreCountedByTheCheckAndMadeOnlyWhenAllowed() throws IOException {
        byte[] tar = new Tar().device("null").bytes();
        assertEquals(1, new TarIntoTree(USER, SAME, null).check(new ByteArrayInputStream(tar)).devices());
        assertEquals(DomainException.Kind.DENIED, assertThrows(DomainException.class,
                () -> extract(tar, "/tmp", USER, SAME)).kind());
        assertFalse(Files.exists(rootfs.resolve("tmp/null"), LinkOption.NOFOLLOW_LINKS));
        extract(tar, "/tmp", ADMIN, SAME);
        int mode = (int) Files.getAttribute(rootfs.resolve("tmp/null"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020000, mode & 0170000);
        assertEquals((1L << 8) | 3, ((Number) Files.getAttribute(rootfs.resolve("tmp/null"), "unix:rdev",
                LinkOption.NOFOLLOW_LINKS)).longValue());
    }

    @Test
    void aDirectoryNeverReplacesAFileWhenAskedNot() throws IOException {
        Files.writeString(rootfs.resolve("tmp/x"), "file");
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> extract(new Tar().dir("x").bytes(), "/tmp", USER, SAME)).kind());
        assertEquals("file", Files.readString(rootfs.resolve("tmp/x")));
    }

    @Test
    void anArchiveOfALinkHoldsTheLinkAndNeverWhatItPointsTo() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("tmp/secret"), host.resolve("secret"));
        Files.writeString(rootfs.resolve("tmp/plain"), "in the container");
        List<String> seen = new ArrayList<>();
        try (InRoot root = InRoot.open(rootfs); InRoot.Held tmp = root.resolve("/tmp", false)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarOfTree tar = new TarOfTree(out, u -> u, g -> g);
            tar.write(tmp, "tmp");
            tar.finish();
            try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
                for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                    seen.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : " " + e.getSize()));
                }
            }
        }
        assertEquals(List.of("tmp/ 0", "tmp/plain 16", "tmp/secret -> " + host.resolve("secret")), seen);
    }

    /**
     * The container swaps a directory of the destination for a link to the host as fast as it can
     * while archives are unpacked into it: nothing ever lands outside the root.
     */
    @Test
    void aDirectorySwappedForALinkMidCopyNeverLeadsOutOfTheRoot() throws Exception {
        Path d = Files.createDirectories(rootfs.resolve("tmp/d"));
        Path aside = rootfs.resolve("tmp/aside");
        Path link = rootfs.resolve("tmp/link");
        Files.createSymbolicLink(link, host);
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.move(d, aside);
                    Files.move(link, d);
                    Files.move(d, link);
                    Files.move(aside, d);
                } catch (IOException ignored) {
                    // a move raced an unpack that made d anew: go on swapping
                }
            }
        });
        swapper.start();
        byte[] tar = new Tar().file("d/sub/planted", "planted", 0644, 0).file("d/planted", "planted", 0644, 0).bytes();
        try {
            for (int i = 0; i < 300; i++) {
                try {
                    extract(tar, "/tmp", USER, SAME);
                } catch (DomainException expected) {
                    // a link met in the way: refused, which is the point
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        try (var listing = Files.list(host)) {
            assertEquals(List.of(host.resolve("secret")), listing.toList());
        }
        assertTrue(Files.readString(host.resolve("secret")).equals("host only"));
    }
}
