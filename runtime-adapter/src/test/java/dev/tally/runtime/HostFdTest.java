package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFdTest {

    @TempDir
    Path tmp;

    private Path real() throws IOException {
        return tmp.toRealPath();
    }

    @ParameterizedTest
    @EnumSource(HostFd.Walk.class)
    void aSymbolicLinkInAnyComponentIsRefusedAbsoluteOrRelative(HostFd.Walk walk) throws IOException {
        Path shared = Files.createDirectories(real().resolve("shared"));
        Path secret = Files.createDirectories(real().resolve("secret"));
        Files.createDirectories(secret.resolve("inner"));
        Files.createSymbolicLink(shared.resolve("absolute"), secret);
        Files.createSymbolicLink(shared.resolve("relative"), Path.of("../secret"));
        for (String path : List.of(shared + "/absolute", shared + "/absolute/inner", shared + "/relative",
                shared + "/relative/inner")) {
            HostFd.Refused e = assertThrows(HostFd.Refused.class, () -> HostFd.open(path, walk), path);
            assertEquals(Libc.ELOOP, e.errno, e.getMessage());
            assertTrue(e.getMessage().contains("refusing to follow it"), e.getMessage());
        }
        try (HostFd held = HostFd.open(secret + "/inner", walk)) {
            assertTrue(held.stat().isDirectory());
        }
    }

    @ParameterizedTest
    @EnumSource(HostFd.Walk.class)
    void aPathWithDotDotOrARelativePathIsInvalid(HostFd.Walk walk) throws IOException {
        Files.createDirectories(real().resolve("a"));
        for (String path : List.of(real() + "/a/..", real() + "/a/../a", real() + "//a", "a", real() + "/./a")) {
            DomainException e = assertThrows(DomainException.class, () -> HostFd.open(path, walk), path);
            assertEquals(DomainException.Kind.INVALID, e.kind(), path);
        }
    }

    @Test
    void aMagicLinkOfProcIsRefusedToo() {
        HostFd.Refused e = assertThrows(HostFd.Refused.class, () -> HostFd.open("/proc/self/root/etc"));
        assertEquals(Libc.ELOOP, e.errno, e.getMessage());
    }

    @Test
    void anEntryThatIsALinkIsHeldAsTheLinkAndChangingItLeavesTheTargetAlone() throws IOException {
        Path target = Files.writeString(real().resolve("target"), "root's");
        Path link = Files.createSymbolicLink(real().resolve("link"), target);
        try (HostFd dir = HostFd.open(real().toString()); HostFd held = dir.entry("link")) {
            assertTrue(held.stat().isSymbolicLink());
            held.chown(4321, 4321);
            assertThrows(DomainException.class, () -> held.chmod(0777));
        }
        assertEquals(4321, Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, Files.getAttribute(target, "unix:uid"));
        assertEquals("root's", Files.readString(target));
    }

    @Test
    void aDirectorySwappedForALinkAfterItWasHeldIsStillTheDirectoryHeld() throws IOException {
        Path dir = Files.createDirectories(real().resolve("dir"));
        Files.writeString(dir.resolve("mine"), "x");
        Path outside = Files.createDirectories(real().resolve("outside"));
        Files.writeString(outside.resolve("theirs"), "y");
        try (HostFd held = HostFd.open(dir.toString())) {
            Files.move(dir, real().resolve("moved"));
            Files.createSymbolicLink(dir, outside);
            assertEquals(List.of("mine"), held.names(), "the descriptor holds the directory, not the path");
            try (HostFd parent = HostFd.open(real().toString()); HostFd now = parent.entry("dir")) {
                assertTrue(now.stat().isSymbolicLink(), "looked up again, the name is the link, not followed");
            }
        }
    }

    @Test
    void aMissingDirectoryIsMadeOwnedLikeItsParentAndALinkInItsPlaceIsRefused() throws IOException {
        Path users = Files.createDirectories(real().resolve("users"));
        Files.setAttribute(users, "unix:uid", 4321);
        Files.setAttribute(users, "unix:gid", 4322);
        try (HostFd parent = HostFd.open(users.toString()); HostFd made = parent.directory("new", 0755)) {
            assertTrue(made.stat().isDirectory());
        }
        assertEquals(4321, Files.getAttribute(users.resolve("new"), "unix:uid"));
        assertEquals(4322, Files.getAttribute(users.resolve("new"), "unix:gid"));
        Files.createSymbolicLink(users.resolve("linked"), Path.of("/etc"));
        try (HostFd parent = HostFd.open(users.toString())) {
            HostFd.Refused e = assertThrows(HostFd.Refused.class, () -> parent.directory("linked", 0755));
            assertEquals(Libc.ELOOP, e.errno);
        }
    }
}
