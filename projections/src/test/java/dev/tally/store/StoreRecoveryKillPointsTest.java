package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code kill -9} may also stop tallyd while it recovers the store after an earlier kill, or while it
 * closes the store in an orderly stop right after that start (nothing appended). As
 * {@link StoreKillPointsTest} does for the appends, this test records every write of the file: first of
 * the mixed load (tallyd's retention and a restless upkeep, so that freed space is written again all the
 * time), which gives the file as a kill after any of those writes left it; then, for a few of those
 * crashed files, of the start that recovers it ({@link StoreRecovery}, then H2's open) and of the close
 * that follows. The file as it was after each write of the recovery and the close (and with each large
 * write cut in half) is opened as tallyd would after a second kill, and every event acknowledged before
 * the first kill must be there, also after an idle close and a third open. {@code -Drecoverypoints.crashes=N},
 * {@code .events=N}, {@code .seed=S} and {@code .retention=MS} vary it; {@code .keep=DIR} keeps each file that
 * lost events (as the second kill left it) there.
 */
class StoreRecoveryKillPointsTest {

    private static final int EVENTS = Integer.getInteger("recoverypoints.events", 200);
    private static final int CRASHES = Integer.getInteger("recoverypoints.crashes", 3);
    private static final long SEED = Long.getLong("recoverypoints.seed", 7);
    /**
     * H2's retention time of the load before the kill: tallyd's own by default. At 0 (chunks freed as soon as
     * they die, so the crashed files' chains lie among freed space) the database's open wrote over the chain
     * the header names before its pin, in 1 of 8 runs of 8 crashed files, until the database stored a retention
     * time that frees nothing until then (docs/reliability.md).
     */
    private static final int RETENTION_MS = Integer.getInteger("recoverypoints.retention", StoreUpkeep.RETENTION_MS);
    /**
     * How long after the first kill the start comes, in milliseconds: each crashed file's clock (its header's
     * "created", from which H2 reckons every chunk's age) is put back by this much, as a restart that long after
     * the kill finds it. At 0 (the start right after the load, as this test had it) the chunks of the load are
     * younger than tallyd's 1 s retention, and what the start's open frees before the pin shows only at a
     * retention of 0.
     */
    private static final long AGE_MS = Long.getLong("recoverypoints.age", 60_000);

    /** One write to the file as H2 made it, and how many appends had returned before it began. */
    private record Write(long position, byte[] data, long truncateTo, int acknowledgedBefore) {
    }

    @TempDir
    Path dir;
    private final List<Write> writes = new ArrayList<>();
    /** The file whose writes are recorded now (its absolute path); null: none. */
    private volatile String recorded;
    private volatile int acknowledged;

    @AfterEach
    void stopRecording() {
        FilePathRec.setRecorder(null);
    }

    @Test
    void aKillDuringTheRecoveryOrTheCloseRightAfterItLosesNoAcknowledgedEvent() throws Exception {
        FilePathRec.register();
        FilePathRec.setRecorder(new Recorder() {
            @Override
            public void log(int op, String fileName, byte[] data, long x) {
                String file = recorded;
                if (file == null || !fileName.endsWith(file)) {
                    return;
                }
                synchronized (writes) {
                    if (op == Recorder.WRITE) {
                        writes.add(new Write(x, data, -1, acknowledged));
                    } else if (op == Recorder.TRUNCATE) {
                        writes.add(new Write(0, null, x, acknowledged));
                    }
                }
            }
        });
        List<String> ids = load();
        List<Write> loadWrites = List.copyOf(writes);
        Random random = new Random(SEED + 5);
        TreeSet<Integer> crashes = new TreeSet<>();
        while (crashes.size() < CRASHES) {
            int k = loadWrites.size() / 2 + random.nextInt(loadWrites.size() / 2);
            if (loadWrites.get(k).acknowledgedBefore() > 0) {
                crashes.add(k);
            }
        }
        List<String> losses = new ArrayList<>();
        int checked = 0;
        for (int crash : crashes) {
            Path crashed = dir.resolve("crashed-" + crash + ".mv.db");
            replay(crashed, loadWrites, crash);
            age(crashed, AGE_MS);
            int expected = loadWrites.get(crash).acknowledgedBefore();
            String id = ids.get(expected - 1);
            int lostBefore = losses.size();
            List<Write> recovery = recoveryAndClose(crashed, id, "kill after load write " + crash, losses);
            overwrites += chainOverwrites(crashed, recovery, "kill after load write " + crash, losses);
            for (int j = 1; j <= recovery.size(); j++) {
                Path copy = dir.resolve("again.mv.db");
                Files.copy(crashed, copy, StandardCopyOption.REPLACE_EXISTING);
                replay(copy, recovery, j);
                check(copy, id, "kill after load write " + crash + ", then after recovery write " + j, losses);
                Write last = recovery.get(j - 1);
                if (last.data() != null && last.data().length > 4096) {
                    Files.copy(crashed, copy, StandardCopyOption.REPLACE_EXISTING);
                    replay(copy, recovery, j - 1);
                    try (RandomAccessFile out = new RandomAccessFile(copy.toFile(), "rw")) {
                        out.seek(last.position());
                        out.write(last.data(), 0, last.data().length / 2);
                    }
                    check(copy, id, "kill after load write " + crash + ", then in recovery write " + j, losses);
                }
                checked++;
            }
            if (System.getProperty("recoverypoints.keep") != null && losses.size() > lostBefore) {
                // and the file as the first kill left it
                Path keep = Files.createDirectories(Path.of(System.getProperty("recoverypoints.keep")));
                Files.copy(crashed, keep.resolve(crashed.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("StoreRecoveryKillPointsTest: seed " + SEED + ", retention " + RETENTION_MS + " ms, age "
                + AGE_MS + " ms, " + loadWrites.size() + " writes of the load, "
                + crashes.size() + " crashed files, " + checked + " kill points in their recoveries and closes ("
                + overwrites + " chunk writes checked against the header's chain), " + losses.size() + " lost acknowledged events");
        assertTrue(checked > crashes.size(), "the recoveries and closes wrote: " + checked + " kill points");
        assertTrue(losses.isEmpty(), losses.size() + " kill points lost acknowledged events: "
                + losses.subList(0, Math.min(10, losses.size())));
    }

    /** The recovery's chunk writes checked against the chain its header named then. */
    private int overwrites;

    /**
     * Replays the recovery's writes on a copy of the crashed file, and notes each chunk written over the chain
     * of chunks the file's header named just before ({@link HeaderChain}: what H2 reads first after a kill), a
     * fault whether or not a kill lands right after it; how many chunk writes it checked.
     */
    private int chainOverwrites(Path crashed, List<Write> recovery, String where, List<String> losses) throws Exception {
        Path copy = dir.resolve("chain.mv.db");
        Files.copy(crashed, copy, StandardCopyOption.REPLACE_EXISTING);
        int chunks = 0;
        try (RandomAccessFile out = new RandomAccessFile(copy.toFile(), "rw")) {
            for (int i = 0; i < recovery.size(); i++) {
                Write w = recovery.get(i);
                if (w.data() == null) {
                    out.setLength(w.truncateTo());
                    continue;
                }
                if (w.position() >= 2 * 4096) {
                    chunks++;
                    if (HeaderChain.overlaps(HeaderChain.of(out), w.position(), w.data().length)) {
                        losses.add(where + ", recovery write " + (i + 1) + " at block " + w.position() / 4096
                                + ": over the chain of chunks the header names");
                    }
                }
                out.seek(w.position());
                out.write(w.data());
            }
        }
        return chunks;
    }

    /** Appends the mixed load with every write recorded; the events' identifiers in order. */
    private List<String> load() {
        recorded = dir.resolve("tally.mv.db").toString();
        StoreUpkeep.Settings restless = new StoreUpkeep.Settings(true, Duration.ofMillis(20), -1, 64 << 10, 2,
                Duration.ofMillis(20), 0);
        String url = "jdbc:h2:file:rec:" + dir.resolve("tally") + Store.H2_SETTINGS.replace(
                "RETENTION_TIME=" + StoreUpkeep.RETENTION_MS, "RETENTION_TIME=" + RETENTION_MS);
        List<String> ids = new ArrayList<>();
        try (Store store = Store.open(url, restless)) {
            MixedSessions load = new MixedSessions(store, SEED);
            for (int n = 0; n < EVENTS; n++) {
                ids.add(load.appendOne());
                acknowledged = n + 1;
            }
        }
        recorded = null;
        return ids;
    }

    /**
     * Opens a copy of the crashed file as tallyd's start does (recovery, then H2) with the daemon's
     * settings and upkeep, and closes it at once, recording every write; the writes.
     */
    private List<Write> recoveryAndClose(Path crashed, String id, String where, List<String> losses) throws Exception {
        Path run = Files.createTempDirectory(dir, "recovery");
        Files.copy(crashed, run.resolve("c.mv.db"));
        synchronized (writes) {
            writes.clear();
        }
        recorded = run.resolve("c.mv.db").toString();
        try {
            StoreKillPointsTest.holds("jdbc:h2:file:rec:" + run.resolve("c") + Store.H2_SETTINGS, StoreUpkeep.Settings.DEFAULT, id,
                    where + ": recovered: ", losses);
        } finally {
            recorded = null;
        }
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    /** Puts the file's clock back by {@code ms}: every chunk in it is that much older, as at a later start. */
    private static void age(Path file, long ms) throws Exception {
        StoreRecovery.rewriteHeader(file.toString(), header -> header.put("created",
                Long.toHexString(Long.parseLong(header.get("created"), 16) - ms)));
    }

    /** The file as the first {@code count} writes left it. */
    private static void replay(Path file, List<Write> writes, int count) throws Exception {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < count; i++) {
                Write w = writes.get(i);
                if (w.data() == null) {
                    out.setLength(w.truncateTo());
                } else {
                    out.seek(w.position());
                    out.write(w.data());
                }
            }
        }
    }

    /** Opens a copy as tallyd after a kill, finds the event; then after an idle close, again. */
    private void check(Path file, String id, String where, List<String> losses) throws Exception {
        Path copy = Files.createTempDirectory(dir, "open");
        Files.copy(file, copy.resolve("c.mv.db"));
        String url = "jdbc:h2:file:" + copy.resolve("c") + Store.H2_SETTINGS;
        int before = losses.size();
        try {
            if (StoreKillPointsTest.holds(url, StoreUpkeep.Settings.DEFAULT.off(), id, where + ": ", losses)) {
                StoreKillPointsTest.holds(url, StoreUpkeep.Settings.DEFAULT.off(), id, where + ", opened again after an idle close: ", losses);
            }
            String keep = System.getProperty("recoverypoints.keep");
            if (keep != null && losses.size() > before) {
                // the file as the second kill left it, to be looked at
                Files.createDirectories(Path.of(keep));
                Files.copy(file, Path.of(keep, where.replace(' ', '-').replace(",", "") + ".mv.db"), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try (var files = Files.walk(copy)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
