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
}
