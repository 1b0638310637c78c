package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10, finding 6: an import stops at its decompressed size, and before the data root's disk fills. */
class ImportLimitsTest {

    @TempDir
    Path root;

    /** 8 MiB of zeros in a few KiB of gzip. */
    private static byte[] bomb() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                gz.write(zeros);
            }
        }
        return out.toByteArray();
    }

    private long leftInTmp() throws IOException {
        try (var files = Files.list(root.resolve("tmp"))) {
            return files.count();
        }
    }

    @Test
    void aGzipBombStopsAtTheLayerLimitAndLeavesNothingBehind() throws IOException {
        LayeredImageStore store = new LayeredImageStore(root, 1 << 20, 0);
        DomainException e = assertThrows(DomainException.class,
                () -> store.importRootfs(new ByteArrayInputStream(bomb())));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("limit of " + (1 << 20)), e.getMessage());
        assertEquals(0, leftInTmp());
    }

    @Test
    void anImportThatWouldEatTheFreeSpaceKeptForTheLogStops() throws IOException {
        LayeredImageStore store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, Long.MAX_VALUE / 2);
        DomainException e = assertThrows(DomainException.class,
                () -> store.importRootfs(new ByteArrayInputStream(bomb())));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("free"), e.getMessage());
        assertEquals(0, leftInTmp());
    }
}
