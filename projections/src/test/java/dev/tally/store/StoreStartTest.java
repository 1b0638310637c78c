package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start after a kill, killed again at each of its writes, loses nothing: on a file kept from
 * StoreRecoveryKillPointsTest (retention 0) whose header named the newest chunk, an old one, which the
 * database's open killed with its first commit (rolling back the transaction the kill cut short) and freed
 * and wrote over with its second, before a new header: H2 then recovered 55 of its 56 events (main before
 * {@link StartHeaders}, 3 of 3 runs). The recording and the replay are StoreRecoveryKillPointsTest's; each
 * chunk write is also checked against the chain of chunks the header names just before it ({@link HeaderChain}).
 */
class StoreStartTest {

    /** One write to the file as H2 made it. */
    private record Write(long position, byte[] data, long truncateTo) {
    }

    @TempDir
    Path dir;

    @AfterEach
    void stopRecording() {
        FilePathRec.setRecorder(null);
    }

    @Test
    void aKillAtAnyWriteOfTheStartAfterAKillLosesNothingOnAFileWhoseHeaderNamedAnOldChunk() throws Exception {
        Path crashed = dir.resolve("crashed.mv.db");
        try (InputStream kept = StoreStartTest.class.getResourceAsStream("crashed-old-header-chunk.mv.db")) {
            Files.copy(kept, crashed);
        }
        long events = events(crashed);
        assertEquals(56, events, "the kept file's events, as H2 recovers them");

        FilePathRec.register();
        Path run = Files.createTempDirectory(dir, "start");
        Files.copy(crashed, run.resolve("c.mv.db"));
        String file = run.resolve("c.mv.db").toString();
        List<Write> writes = new ArrayList<>();
        FilePathRec.setRecorder(new Recorder() {
            @Override
            public void log(int op, String fileName, byte[] data, long x) {
                if (fileName.endsWith(file)) {
                    synchronized (writes) {
                        writes.add(op == Recorder.WRITE ? new Write(x, data, -1) : new Write(0, null, x));
                    }
                }
            }
        });
        try (Store store = Store.open("jdbc:h2:file:rec:" + run.resolve("c") + Store.H2_SETTINGS, StoreUpkeep.Settings.DEFAULT);
             Connection c = store.connections().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM DomainEventEntry")) {
            r.next();
            assertEquals(56, r.getLong(1), "the recorded start's events");
        }
        FilePathRec.setRecorder(null);

        List<String> faults = new ArrayList<>();
        Path replay = dir.resolve("replay.mv.db");
        Files.copy(crashed, replay);
        try (RandomAccessFile out = new RandomAccessFile(replay.toFile(), "rw")) {
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                if (w.data() == null) {
                    out.setLength(w.truncateTo());
                    continue;
                }
                if (w.position() >= 2 * 4096 && HeaderChain.overlaps(HeaderChain.of(out), w.position(), w.data().length)) {
                    faults.add("write " + (i + 1) + " over the header's chain at block " + w.position() / 4096);
                }
                out.seek(w.position());
                out.write(w.data());
                long found = events(replay);
                if (found != events) {
                    faults.add("killed after write " + (i + 1) + ": " + found + " events");
                }
            }
        }
        assertTrue(writes.size() > 2, writes.size() + " writes");
        assertEquals(List.of(), faults);
    }

    /** The events a start finds in a copy of this file, as tallyd's start would. */
    private long events(Path file) throws Exception {
        Path copy = Files.createTempDirectory(dir, "open");
        Files.copy(file, copy.resolve("c.mv.db"));
        try (Store store = Store.open("jdbc:h2:file:" + copy.resolve("c") + Store.H2_SETTINGS, StoreUpkeep.Settings.DEFAULT.off());
             Connection c = store.connections().getConnection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM DomainEventEntry")) {
            r.next();
            return r.getLong(1);
        }
    }
}
