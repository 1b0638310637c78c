package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverMarkFilesTest {

    @TempDir
    Path root;

    @Test
    void aMarkNamesItsEventUntilDeletedWhateverTheId() throws Exception {
        LeftoverMarkFiles marks = new LeftoverMarkFiles(root);
        String digest = "sha256:" + "ab".repeat(32);
        String longName = "v".repeat(250);
        marks.write("blob", digest, "event-1");
        marks.write("volume", longName, "event-2");
        marks.write("volume", "../etc", "event-3");
        assertEquals(Optional.of("event-1"), marks.read("blob", digest));
        assertEquals(Set.of(longName, "../etc"), marks.marked("volume"));
        assertEquals(Optional.empty(), marks.read("volume", "other"));
        marks.write("blob", digest, "event-4");
        assertEquals(Optional.of("event-4"), new LeftoverMarkFiles(root).read("blob", digest), "replaced, and read back from disk");
        marks.delete("blob", digest);
        marks.delete("blob", digest);
        assertEquals(Optional.empty(), marks.read("blob", digest));
        assertEquals(Set.of(), marks.marked("blob"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("leftovers"))));
    }

    @Test
    void aWriteCutShortLeavesNoMark() throws Exception {
        LeftoverMarkFiles marks = new LeftoverMarkFiles(root);
        marks.write("container", "ab", "event-1");
        marks.delete("container", "ab");
        Path kind = root.resolve("leftovers/container");
        Files.writeString(kind.resolve("0123.partial"), "event-2\n");
        assertEquals(Set.of(), marks.marked("container"));
        try (var left = Files.list(kind)) {
            assertEquals(0, left.count(), "the partial write is cleared");
        }
    }
}
