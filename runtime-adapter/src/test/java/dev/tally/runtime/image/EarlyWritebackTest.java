package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers' bytes go to disk while they arrive: a background syncfs every {@link EarlyWriteback#STEP} bytes. */
class EarlyWritebackTest {

    @TempDir
    Path dir;

    @Test
    void aSyncStartsOnceAStepOfBytesWasWrittenAndTheCountStartsAgain() {
        EarlyWriteback writeback = new EarlyWriteback(dir);
        writeback.wrote(EarlyWriteback.STEP - 1);
        assertEquals(0, writeback.syncs());

        writeback.wrote(1);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writeback.syncs() == 1);

        writeback.wrote(EarlyWriteback.STEP - 1);
        writeback.wrote(EarlyWriteback.STEP);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writeback.syncs() == 2);
    }

    @Test
    void aFileSystemThatCannotBeSyncedOnlyMeansNoHeadStart() {
        EarlyWriteback writeback = new EarlyWriteback(dir.resolve("absent"));
        writeback.wrote(EarlyWriteback.STEP);
        writeback.wrote(EarlyWriteback.STEP);
        assertEquals(0, writeback.syncs());
    }
}
