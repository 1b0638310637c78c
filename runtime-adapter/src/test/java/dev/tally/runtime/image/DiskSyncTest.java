package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fsyncs of the store's own files, many at once; what a later entry removed or replaced is left to its directory. */
class DiskSyncTest {

    @TempDir
    Path dir;

    @Test
    void everyFileAndDirectoryOfABatchIsSyncedAndTheCallReturnsAfterTheLast() throws IOException {
        Set<Path> synced = ConcurrentHashMap.newKeySet();
        DiskSync sync = new DiskSync(synced::add);
        List<Path> files = new ArrayList<>();
        Set<Path> dirs = new HashSet<>();
        for (int d = 0; d < 5; d++) {
            Path sub = Files.createDirectory(dir.resolve("d" + d));
            dirs.add(sub);
            for (int f = 0; f < 40; f++) {
                files.add(Files.writeString(sub.resolve("f" + f), "content " + f));
            }
        }
        dirs.add(dir);
        sync.all(files, dirs);
        assertEquals(files.size() + dirs.size(), synced.size());
        assertTrue(synced.containsAll(files) && synced.containsAll(dirs));
    }

    @Test
    void aLargeBatchTakesOneSyncOfTheFileSystemOnlyWhileTheSystemHasLittleElseToWrite() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < DiskSync.MANY; f++) {
            files.add(Files.writeString(dir.resolve("f" + f), "content " + f));
        }
        Set<Path> synced = ConcurrentHashMap.newKeySet();
        DiskSync quiet = new DiskSync(synced::add, () -> DiskSync.QUIET_BYTES - 1);
        quiet.all(files, List.of(dir));
        assertEquals(1, quiet.fileSystemSyncs());
        assertEquals(DiskSync.MANY + 1, synced.size());

        synced.clear();
        DiskSync busy = new DiskSync(synced::add, () -> DiskSync.QUIET_BYTES);
        busy.all(files, List.of(dir));
        DiskSync unknown = new DiskSync(p -> { }, () -> -1);
        unknown.all(files, List.of(dir));
        assertEquals(0, busy.fileSystemSyncs() + unknown.fileSystemSyncs(), "others' dirty data: one fsync per file");
        assertEquals(DiskSync.MANY + 1, synced.size());

        DiskSync ownData = new DiskSync(p -> { }, () -> DiskSync.QUIET_BYTES + (64L << 20));
        ownData.all(files, List.of(dir), 64L << 20);
        assertEquals(0, ownData.fileSystemSyncs(), "64 MiB of the batch's own and QUIET_BYTES of others' dirty");
        ownData.all(files, List.of(dir), (64L << 20) + 1);
        assertEquals(1, ownData.fileSystemSyncs(), "what is dirty is the batch's own but for less than QUIET_BYTES");

        DiskSync small = new DiskSync(p -> { }, () -> 0);
        small.all(files.subList(0, DiskSync.MANY - 2), List.of(dir));
        assertEquals(0, small.fileSystemSyncs(), "a small batch: one fsync per file");
    }

    @Test
    void theSystemsDirtyMemoryIsReadFromProc() {
        assertTrue(DiskSync.dirtyBytes() >= 0);
    }

    @Test
    void aFileALaterEntryRemovedOrReplacedByALinkIsLeftToItsDirectory() throws IOException {
        Set<Path> synced = ConcurrentHashMap.newKeySet();
        DiskSync sync = new DiskSync(synced::add);
        Path kept = Files.writeString(dir.resolve("kept"), "k");
        Path removed = dir.resolve("removed");
        Path linked = Files.createSymbolicLink(dir.resolve("linked"), kept);
        Path notADir = Files.writeString(dir.resolve("was-a-dir"), "now a file");
        Path underIt = notADir.resolve("was-in-it");
        sync.all(List.of(kept, removed, linked, underIt), List.of(dir, notADir));
        assertEquals(Set.of(kept, dir), synced);
    }

    @Test
    void aFailureIsThrownOnceEveryFsyncEnded() throws IOException {
        DiskSync sync = new DiskSync(p -> { });
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path tooLong = dir.resolve("n".repeat(255)).resolve("n".repeat(255)).resolve("x".repeat(5000));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> sync.all(List.of(file, tooLong), List.of(dir)));
        assertTrue(e.getMessage().contains("errno 36"), e.getMessage()); // ENAMETOOLONG: not a path a later entry removed
    }
}
