package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
        for (String twoLines : new String[] {dir + "/a\n/etc", dir + "/a\r", dir + "/a\0b"}) {
            DomainException e = assertThrows(DomainException.class, () -> BindSources.realPath(twoLines));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            assertThrows(DomainException.class, () -> BindSources.prepare(twoLines));
        }
    }

    @Test
    void aSourceSwappedForALinkAfterItWasCheckedIsRefusedAndNothingIsMadeThroughIt() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared")).toRealPath();
        Path data = Files.createDirectories(shared.resolve("data"));
        Path secret = Files.createDirectories(dir.resolve("secret")).toRealPath();
        BindSources.prepare(data + "/new");
        assertTrue(Files.isDirectory(data.resolve("new"), LinkOption.NOFOLLOW_LINKS));
        Files.delete(data.resolve("new"));
        Files.delete(data);
        Files.createSymbolicLink(data, secret);
        DomainException e = assertThrows(DomainException.class, () -> BindSources.prepare(data + "/new"));
        assertTrue(e.getMessage().contains("refusing to follow it"), e.getMessage());
        assertFalse(Files.exists(secret.resolve("new")), "mkdir -p went through the link");
    }

    @Test
    void missingDirectoriesAreMadeOwnedLikeTheDirectoryTheyAreMadeIn() throws IOException {
        Path alices = Files.createDirectories(dir.resolve("alice")).toRealPath();
        Files.setAttribute(alices, "unix:uid", 4321);
        Files.setAttribute(alices, "unix:gid", 4321);
        BindSources.prepare(alices + "/a/b");
        assertEquals(4321, Files.getAttribute(alices.resolve("a/b"), "unix:uid"));
        assertEquals(4321, Files.getAttribute(alices.resolve("a"), "unix:gid"));
    }

    @Test
    void whatIsStagedIsWhatWasOpenedAndALinkInItsPlaceStopsTheStart() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared")).toRealPath();
        Path data = Files.createDirectories(shared.resolve("data"));
        Files.writeString(data.resolve("mine"), "x");
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve(BindSources.LIST), data + "\n");
        try {
            BindSources.stage(bundle);
            assertEquals("x", Files.readString(BindSources.staging(bundle, 0).resolve("mine")));
            assertEquals(1, Mounts.mountedBelow(bundle).size());
        } finally {
            BindSources.unstage(bundle);
        }
        assertTrue(Mounts.mountedBelow(bundle).isEmpty());
        Path secret = Files.createDirectories(dir.resolve("secret")).toRealPath();
        Files.writeString(secret.resolve("shadow"), "root's");
        Files.move(data, shared.resolve("moved"));
        Files.createSymbolicLink(data, secret);
        try {
            DomainException e = assertThrows(DomainException.class, () -> BindSources.stage(bundle));
            assertTrue(e.getMessage().contains("refusing to follow it"), e.getMessage());
            assertTrue(Mounts.mountedBelow(bundle).isEmpty(), "nothing is staged");
        } finally {
            BindSources.unstage(bundle);
        }
    }

    @Test
    void whatACrashedStartLeftStagedIsTakenDownAtTheNextDaemonStart() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data")).toRealPath();
        Path containers = Files.createDirectories(dir.resolve("containers"));
        Path bundle = Files.createDirectories(containers.resolve("c1"));
        Files.writeString(bundle.resolve(BindSources.LIST), data + "\n" + data + "\n");
        try {
            BindSources.stage(bundle);
            assertEquals(2, Mounts.mountedBelow(containers).size());
            BindSources.unstageAll(containers);
            assertTrue(Mounts.mountedBelow(containers).isEmpty());
        } finally {
            BindSources.unstage(bundle);
        }
    }

    @Test
    void aFileIsStagedAsAFile() throws IOException {
        Path file = Files.writeString(Files.createDirectories(dir.resolve("files")).toRealPath().resolve("note"), "x");
        BindSources.prepare(file.toString());
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve(BindSources.LIST), file + "\n");
        try {
            BindSources.stage(bundle);
            assertEquals("x", Files.readString(BindSources.staging(bundle, 0)));
        } finally {
            BindSources.unstage(bundle);
        }
    }
}
