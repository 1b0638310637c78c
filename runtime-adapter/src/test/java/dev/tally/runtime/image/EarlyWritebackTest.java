package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file's bytes go to the disk while it is written: a range every {@link EarlyWriteback#STEP} bytes, the rest at the close. */
class EarlyWritebackTest {

    @TempDir
    Path dir;

    @Test
    void aRangeIsHandedToTheDiskOnceAStepWasWrittenAndTheRestAtTheClose() throws IOException {
        Path file = dir.resolve("blob");
        byte[] step = new byte[(int) EarlyWriteback.STEP];
        EarlyWriteback writeback;
        try (OutputStream out = Files.newOutputStream(file); EarlyWriteback w = new EarlyWriteback(file)) {
            writeback = w;
            out.write(step, 0, step.length - 1);
            w.wrote(step.length - 1);
            assertEquals(0, w.ranges(), "under a step: no call");
            out.write(step, 0, 1);
            w.wrote(1);
            assertEquals(1, w.ranges());
            out.write(step, 0, 10);
            w.wrote(10);
            assertEquals(1, w.ranges());
        }
        assertEquals(2, writeback.ranges(), "the close starts the bytes written since the last step");
    }

    @Test
    void aSmallFileCostsNoCallAndAFileThatCannotBeOpenedOnlyMeansNoHeadStart() {
        try (EarlyWriteback small = new EarlyWriteback(dir.resolve("small"))) {
            small.wrote(100);
            small.close();
            assertEquals(0, small.ranges());
        }
        EarlyWriteback absent = new EarlyWriteback(dir.resolve("absent"));
        absent.wrote(EarlyWriteback.STEP);
        absent.wrote(EarlyWriteback.STEP);
        absent.close();
        assertEquals(0, absent.ranges());
    }
}
