package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code kill -9} during the compaction at start ({@link StoreCompaction}: H2's {@code SHUTDOWN COMPACT}, which
 * closes the old file, writes the compacted copy to {@code tally.mv.db.tempFile} and moves it over the old file)
 * loses nothing: a start that compacts a sparse store is recorded (every write, cut, delete and move of a file of
 * the store), and the files as they were after each of those operations (and with each large write cut in half)
 * are opened as tallyd would after the kill: every event appended before is there, and the chain verifies.
 */
class StoreCompactionKillPointsTest {

    private static final int EVENTS = Integer.getInteger("compactionpoints.events", 60);
    private static final long SEED = Long.getLong("compactionpoints.seed", 7);

    /** One operation on a file of the store as H2 made it: a write, a cut (data null), a delete or a move. */
    private record Op(int kind, String file, String to, long position, byte[] data) {
    }

    @TempDir
    Path dir;
    private final List<Op> ops = new ArrayList<>();

    @AfterEach
    void stopRecording() {
        FilePathRec.setRecorder(null);
    }

    @Test
    void aKillAtAnyWriteOfTheCompactionAtStartLosesNoEvent() throws Exception {
        Path before = dir.resolve("before");
        Files.createDirectories(before);
        List<String> ids = sparseStore(before.resolve("tally"));
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.copy(before.resolve("tally.mv.db"), run.resolve("tally.mv.db"));
        long size = Files.size(run.resolve("tally.mv.db"));

        FilePathRec.register();
        String prefix = run.toString();
        FilePathRec.setRecorder(new Recorder() {
            @Override
            public void log(int op, String fileName, byte[] data, long x) {
                String name = Store.hostPath(fileName).toString();
                synchronized (ops) {
                    if (op == Recorder.WRITE && name.startsWith(prefix)) {
                        ops.add(new Op(op, name, null, x, data));
                    } else if (op == Recorder.TRUNCATE && name.startsWith(prefix)) {
                        ops.add(new Op(op, name, null, x, null));
                    } else if (op == Recorder.DELETE && name.startsWith(prefix)) {
                        ops.add(new Op(op, name, null, 0, null));
                    } else if (op == Recorder.RENAME && name.startsWith(prefix)) {
                        int split = name.indexOf(":" + prefix);
                        ops.add(new Op(op, name.substring(0, split), name.substring(split + 1), 0, null));
                    }
                }
            }
        });
        try (Store store = Store.open("jdbc:h2:file:rec:" + run.resolve("tally") + Store.H2_SETTINGS,
                StoreUpkeep.Settings.DEFAULT.off(), 1 << 20)) {
            assertEquals(EVENTS, events(store, ids), "events after the compaction");
        }
        FilePathRec.setRecorder(null);
        assertTrue(Files.size(run.resolve("tally.mv.db")) < size / 4,
                "compacted: " + Files.size(run.resolve("tally.mv.db")) + " bytes, " + size + " before");
        assertTrue(ops.stream().anyMatch(o -> o.kind() == Recorder.RENAME), "the copy was moved over the old file: " + ops.size());

        List<String> losses = new ArrayList<>();
        int checked = 0;
        for (int k = 1; k <= ops.size(); k++) {
            check(replay(before, run, k, false), ids, "after operation " + k, losses);
            Op last = ops.get(k - 1);
            if (last.data() != null && last.data().length > 4096) {
                check(replay(before, run, k, true), ids, "in operation " + k, losses);
            }
            checked++;
        }
        System.out.println("StoreCompactionKillPointsTest: seed " + SEED + ", " + ops.size() + " operations of the start ("
                + ops.stream().filter(o -> o.kind() == Recorder.WRITE && o.file().endsWith(".tempFile")).count()
                + " writes of the copy), " + checked + " kill points, " + losses.size() + " lost");
        assertTrue(losses.isEmpty(), losses.size() + " kill points lost events: " + losses.subList(0, Math.min(10, losses.size())));
    }

    /** A store of EVENTS events and a large table written and dropped (so mostly free), closed; the events' ids. */
    private static List<String> sparseStore(Path base) throws Exception {
        String url = "jdbc:h2:file:" + base + Store.H2_SETTINGS;
        List<String> ids = new ArrayList<>();
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off())) {
            MixedSessions load = new MixedSessions(store, SEED);
            for (int n = 0; n < EVENTS; n++) {
                ids.add(load.appendOne());
            }
            try (Connection c = store.connections().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE scratch (n INT PRIMARY KEY, v VARCHAR(2000))");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch VALUES (?, ?)")) {
                    for (int i = 0; i < 3_000; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, (SEED + i + "-").repeat(1500).substring(0, 1500));
                        ps.executeUpdate();
                    }
                }
                s.execute("DROP TABLE scratch");
            }
        }
        return ids;
    }

    /**
     * The store's directory as the first {@code count} operations left it (the last write cut in half when
     * {@code cut}), made in a fresh directory from {@code before}'s file; the host paths are {@code run}'s.
     */
    private Path replay(Path before, Path run, int count, boolean cut) throws Exception {
        Map<String, Path> files = new HashMap<>();
        Path out = Files.createTempDirectory(dir, "kill");
        Path main = out.resolve("tally.mv.db");
        Files.copy(before.resolve("tally.mv.db"), main);
        files.put(run.resolve("tally.mv.db").toString(), main);
        for (int i = 0; i < count; i++) {
            Op op = ops.get(i);
            Path file = files.computeIfAbsent(op.file(), f -> out.resolve(Path.of(f).getFileName()));
            if (op.kind() == Recorder.DELETE) {
                Files.deleteIfExists(file);
            } else if (op.kind() == Recorder.RENAME) {
                Path to = files.computeIfAbsent(op.to(), f -> out.resolve(Path.of(f).getFileName()));
                Files.move(file, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                try (RandomAccessFile w = new RandomAccessFile(file.toFile(), "rw")) {
                    if (op.data() == null) {
                        w.setLength(op.position());
                    } else {
                        w.seek(op.position());
                        w.write(op.data(), 0, cut && i == count - 1 ? op.data().length / 2 : op.data().length);
                    }
                }
            }
        }
        return out;
    }

    /** Opens the store in this directory as tallyd after a kill: every event there, the chain whole. */
    private static void check(Path out, List<String> ids, String where, List<String> losses) {
        try (Store store = Store.open("jdbc:h2:file:" + out.resolve("tally") + Store.H2_SETTINGS, StoreUpkeep.Settings.DEFAULT.off())) {
            int found = events(store, ids);
            if (found != ids.size()) {
                losses.add(where + ": " + found + " of " + ids.size() + " events");
            }
            var verdict = store.chain().verify(null);
            if (!verdict.intact()) {
                losses.add(where + ": the chain does not verify: " + verdict);
            }
        } catch (Exception e) {
            losses.add(where + ": " + e);
        }
    }

    /** How many of these events the store holds. */
    private static int events(Store store, List<String> ids) throws Exception {
        int found = 0;
        try (Connection c = store.connections().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM DomainEventEntry WHERE eventIdentifier = ?")) {
            for (String id : ids) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    found += rs.getInt(1);
                }
            }
        }
        return found;
    }
}
