package dev.tally.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * A {@code kill -9} may stop tallyd between any two writes to the store's file, or in the middle of one;
 * whatever is in the file then is what H2 reads at the next start. This test records every write (H2's
 * recording file system) while the mixed load appends one event per commit and the upkeep rewrites and
 * frees chunks with a retention time of 0 (and moves its {@link HeaderPin} every 20 ms), so that new
 * chunks are written into freed space all the time (asserted: more than one per ten events). Then it
 * rebuilds the file as it was after each of many writes (and with a write half done), opens each copy
 * as tallyd would after a crash ({@link Store#open}), and checks that every event acknowledged before
 * that point is there. The points: before every write of the file's header (H2 writes it right after a
 * chunk that lies elsewhere than where the chunk before said the next one would go, or that took the
 * place of a freed one), in the middle of the chunk written before it, and a random sample of all
 * others. {@code -Dkillpoints.retention=MS}, {@code .events=N} and {@code .seeds=S,S,…} vary it (one load per
 * seed, one after another in this JVM: the later ones run with its code compiled, a load of well under a second
 * as in CI, and so with fewer header writes between chunks); {@code .keep=DIR} keeps each file that lost events
 * there, and each file an idle close left unclean. A loss names its kill point: the writes before it (each with
 * its thread: the load's commits on the test's, the pin and the rewriting on the upkeep's), the one after it,
 * the header's chain at the kill and before its last write, and which events a fresh open of that file finds.
 *
 * <p>With its copies opened right after the load (younger than tallyd's 1 s retention: a start within that
 * time of a kill, or after the clock stepped back), it found H2's recovery leaving the chunks that the lost
 * commit had freed and written over in its layout, and a stop right after that start wrote them under a clean
 * header that H2 then refused ("Double mark": 65 idle closes in 15 of 22 runs at a fast load, CI's failure of
 * 2026-12-05; {@link org.h2.mvstore.ForgottenChunks}, {@link ForgottenChunksTest}).
 *
 * <p>Without the pin it finds losses (12 of 940 kill points at 800 events, 2026-12-05; before the pin
 * existed, 14 of 650 at a retention of 0 and 1 of 357 at 200 ms): H2 frees and writes over the chunk
 * its store header names (or one of the chunks its header's chain of "next" positions goes through)
 * before it writes the header anew, and a kill between the two writes, or during the chunk's, leaves a
 * chain that breaks there: H2 opens the newest chunk it can still reach, an older commit.
 */
class StoreKillPointsTest {

    private static final int EVENTS = Integer.getInteger("killpoints.events", 400);
    private static final int RETENTION_MS = Integer.getInteger("killpoints.retention", 0);
    private static final long SEED = Long.getLong("killpoints.seed", 7);
    /** One load per seed, one after another in this JVM: the later ones with its code compiled, as in CI. */
    private static final String SEEDS = System.getProperty("killpoints.seeds", SEED + ",16,23");
    private static final int SAMPLED = 40;

    /** One write to the file, as H2 made it, how many appends had returned before it began, and its thread. */
    private record Write(long position, byte[] data, long truncateTo, int acknowledgedBefore, String thread) {

        String describe(int index) {
            return "write " + index + " (" + thread + ", " + acknowledgedBefore + " acknowledged): "
                    + (data == null ? "truncate to block " + Long.toHexString(truncateTo / 4096) : HeaderChain.describeWrite(position, data));
        }
    }

    @TempDir
    Path root;
    /** The directory of the run under way. */
    private Path dir;
    private final List<Write> writes = new ArrayList<>();
    private int acknowledged;

    @AfterEach
    void stopRecording() {
        FilePathRec.setRecorder(null);
    }

    @Test
    void aKillAfterAnyWriteOfTheFileLosesNoAcknowledgedEvent() throws Exception {
        FilePathRec.register();
        List<String> failures = new ArrayList<>();
        for (String seed : SEEDS.split(",")) {
            Path run = Files.createDirectory(root.resolve("seed-" + seed.trim()));
            String failure = run(Long.parseLong(seed.trim()), run);
            if (failure != null) {
                failures.add(failure);
            }
            try (var files = Files.walk(run)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + SEEDS.split(",").length + " runs failed: " + failures);
    }

    /** One run of the load with this seed in this directory and the check of its kill points; the failure, or null. */
    private String run(long seed, Path dir) throws Exception {
        this.dir = dir;
        writes.clear();
        acknowledged = 0;
        idleCloses = 0;
        cleanCloses = 0;
        distrustedCloses = 0;
        closeFaults.clear();
        String file = dir.resolve("tally.mv.db").toString();
        FilePathRec.setRecorder(new Recorder() {
            @Override
            public void log(int op, String fileName, byte[] data, long x) {
                if (!fileName.endsWith(file)) {
                    return;
                }
                synchronized (writes) {
                    if (op == Recorder.WRITE) {
                        writes.add(new Write(x, data, -1, acknowledged, Thread.currentThread().getName()));
                    } else if (op == Recorder.TRUNCATE) {
                        writes.add(new Write(0, null, x, acknowledged, Thread.currentThread().getName()));
                    }
                }
            }
        });
        // Rewrites in every round, and moves the header pin (so lets H2 free chunks) every 20 ms
        StoreUpkeep.Settings restless = new StoreUpkeep.Settings(true, Duration.ofMillis(20), -1, 64 << 10, 2,
                Duration.ofMillis(20), 0);
        List<String> ids = new ArrayList<>();
        String url = "jdbc:h2:file:rec:" + dir.resolve("tally") + Store.H2_SETTINGS.replace(
                "RETENTION_TIME=" + StoreUpkeep.RETENTION_MS, "RETENTION_TIME=" + RETENTION_MS);
        assertTrue(url.contains("RETENTION_TIME=" + RETENTION_MS), url);
        long began = System.nanoTime();
        try (Store store = Store.open(url, restless)) {
            MixedSessions load = new MixedSessions(store, seed);
            for (int n = 0; n < EVENTS; n++) {
                ids.add(load.appendOne());
                synchronized (writes) {
                    acknowledged = n + 1;
                }
            }
            // a load of 400 events can take under 150 ms once this JVM's code is compiled (5 rounds of 20 ms): the
            // upkeep's rounds that did not come during it come after it, before the close
            await().atMost(Duration.ofSeconds(60)).until(() -> store.upkeepCounts()[0] > 10);
        }
        long loadMs = (System.nanoTime() - began) / 1_000_000;
        FilePathRec.setRecorder(null);

        TreeSet<Integer> points = new TreeSet<>();
        int headers = 0;
        int overwrites = 0;
        long written = 8192;
        for (int k = 1; k < writes.size(); k++) {
            Write w = writes.get(k);
            if (w.data() == null) {
                written = Math.min(written, w.truncateTo());
            } else if (w.position() == 0) {
                points.add(k);
                headers++;
            } else {
                overwrites += w.position() < written ? 1 : 0;
                written = Math.max(written, w.position() + w.data().length);
            }
        }
        // Freed space written again: the writes whose kill points this test is about
        assertTrue(overwrites > EVENTS / 10, overwrites + " chunks written into freed space, " + writes.size() + " writes");
        Random random = new Random(seed + 4);
        for (int i = 0; i < SAMPLED; i++) {
            points.add(1 + random.nextInt(writes.size() - 1));
        }
        List<String> losses = new ArrayList<>();
        Path replay = dir.resolve("replay.mv.db");
        int applied = 0;
        int checked = 0;
        try (RandomAccessFile out = new RandomAccessFile(replay.toFile(), "rw")) {
            for (int point : points) {
                byte[] under = null;
                long lengthBefore = 0;
                while (applied < point) {
                    Write w = writes.get(applied);
                    if (applied == point - 1 && w.data() != null) {
                        lengthBefore = out.length();
                        under = new byte[w.data().length];
                        out.seek(w.position());
                        out.read(under, 0, (int) Math.max(0, Math.min(under.length, lengthBefore - w.position())));
                    }
                    apply(out, w);
                    applied++;
                }
                // once the writes before this one are done
                byte[] old = under;
                long oldLength = lengthBefore;
                int at = point;
                check(replay, writes.get(point).acknowledgedBefore(), ids, "after write " + point, losses,
                        () -> around(at, at) + "; at the kill " + chain(replay) + "; before write " + (at - 1) + " "
                                + (old == null ? "(a truncation)" : chain(undone(replay, writes.get(at - 1), old, oldLength))));
                Write before = writes.get(point - 1);
                if (under != null && before.data().length > 4096) {
                    // and with the write before it cut short halfway: its second half still the old bytes
                    Path torn = dir.resolve("torn.mv.db");
                    Files.copy(replay, torn, StandardCopyOption.REPLACE_EXISTING);
                    try (RandomAccessFile t = new RandomAccessFile(torn.toFile(), "rw")) {
                        int half = before.data().length / 2;
                        t.seek(before.position() + half);
                        t.write(under, half, under.length - half);
                        t.setLength(Math.max(lengthBefore, before.position() + half));
                    }
                    check(torn, before.acknowledgedBefore(), ids, "in write " + (point - 1), losses,
                            () -> around(at - 1, at) + "; at the kill (write " + (at - 1) + " cut in half) " + chain(torn)
                                    + "; before write " + (at - 1) + " " + chain(undone(replay, before, old, oldLength)));
                }
                checked++;
            }
        }
        System.out.println("StoreKillPointsTest: seed " + seed + ", load " + loadMs + " ms, retention " + RETENTION_MS + " ms, " + writes.size() + " writes, "
                + overwrites + " into freed space, " + headers + " header writes, " + checked + " kill points checked, "
                + losses.size() + " lost acknowledged events; " + idleCloses + " copies closed after an idle open, then opened again: "
                + cleanCloses + " marked clean, " + distrustedCloses + " of them with a layout H2 would not trust");
        for (String loss : losses) {
            System.out.println("StoreKillPointsTest: seed " + seed + ": LOST " + loss);
        }
        for (String fault : closeFaults) {
            System.out.println("StoreKillPointsTest: seed " + seed + ": IDLE CLOSE NOT CLEAN " + fault);
        }
        String what = "seed " + seed + ": ";
        if (idleCloses <= checked / 2) {
            return what + "the copies were not opened: " + idleCloses + " idle closes, " + checked + " kill points";
        }
        if (idleCloses != cleanCloses) {
            return what + (idleCloses - cleanCloses) + " of " + idleCloses + " idle closes did not end with the header marked clean: "
                    + closeFaults.subList(0, Math.min(3, closeFaults.size()));
        }
        if (!losses.isEmpty()) {
            return what + losses.size() + " losses (at a kill point's open, its idle close or the open after it): "
                    + losses.subList(0, Math.min(3, losses.size()));
        }
        return null;
    }

    /** Copies opened (recovered) and closed idle, each then opened again. */
    private int idleCloses;
    /**
     * Of those, the closes that ran to their end and marked the header clean. H2's 200 ms compaction at close
     * stopped on its own assertion (in {@code RandomAccessStore.moveChunkInside}, this JVM runs with {@code -ea})
     * in about a third of them before the store's close turned it off ({@code MAX_COMPACT_TIME=0}).
     */
    private int cleanCloses;
    /**
     * Of those, the files whose clean header H2 would not trust (a chunk its layout lists is not whole:
     * {@link StoreFile#clean()}); the next open settles them as crashed files ({@link StoreRecovery}).
     */
    private int distrustedCloses;
    /** The idle closes that did not mark the header clean, in words. */
    private final List<String> closeFaults = new ArrayList<>();

    private static void apply(RandomAccessFile out, Write w) throws Exception {
        if (w.data() == null) {
            out.setLength(w.truncateTo());
            return;
        }
        out.seek(w.position());
        out.write(w.data());
    }

    /** With -Dkillpoints.keep=DIR, a file that lost events is kept there to be looked at. */
    private static void keep(Path file, String where) throws java.io.IOException {
        String keep = System.getProperty("killpoints.keep");
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Files.copy(file, Path.of(keep, where.replace(' ', '-') + ".mv.db"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** {@link #check(Path, int, List, String, List)}, each loss told with this context (the kill point's, in words). */
    private void check(Path file, int expected, List<String> ids, String where, List<String> losses,
                       java.util.function.Supplier<String> context) throws Exception {
        if (expected == 0) {
            return;
        }
        int lossesBefore = losses.size();
        try {
            check(file, expected, ids, where, losses);
        } finally {
            if (losses.size() > lossesBefore) {
                String found = found(file, ids, expected);
                String said = context.get();
                for (int i = lossesBefore; i < losses.size(); i++) {
                    losses.set(i, losses.get(i) + " [" + found + "; " + said + "]");
                }
            }
        }
    }

    /** The writes just before the kill (from write {@code first - 8} to {@code last - 1}) and the one it came before. */
    private String around(int first, int last) {
        StringBuilder s = new StringBuilder("the writes before the kill:");
        for (int k = Math.max(0, first - 8); k < last; k++) {
            s.append(" {").append(writes.get(k).describe(k)).append('}');
        }
        if (last < writes.size()) {
            s.append("; the next: {").append(writes.get(last).describe(last)).append('}');
        }
        return s.toString();
    }

    /** The header's chain in this file, in words ({@link HeaderChain#describe}). */
    private static String chain(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            return HeaderChain.describe(f);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** A copy of this file with this write undone: the bytes it wrote over put back, the length it had before. */
    private Path undone(Path file, Write w, byte[] under, long lengthBefore) {
        try {
            Path copy = dir.resolve("undone.mv.db");
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile t = new RandomAccessFile(copy.toFile(), "rw")) {
                t.seek(w.position());
                t.write(under);
                t.setLength(lengthBefore);
            }
            return copy;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Which of the first {@code expected} events a fresh copy of this file opens with, in words. */
    private String found(Path file, List<String> ids, int expected) {
        try {
            Path copy = Files.createTempDirectory(dir, "found");
            Files.copy(file, copy.resolve("c.mv.db"));
            java.util.Set<String> present = new java.util.HashSet<>();
            try (Store store = Store.open("jdbc:h2:file:" + copy.resolve("c") + Store.H2_SETTINGS, StoreUpkeep.Settings.DEFAULT.off());
                 Connection c = store.connections().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT eventIdentifier FROM DomainEventEntry");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < expected; i++) {
                if (!present.contains(ids.get(i))) {
                    missing.add(i + 1);
                }
            }
            return "opened again: " + present.size() + " events, of the " + expected + " acknowledged missing " + missing;
        } catch (Exception e) {
            return "opened again: " + e;
        }
    }

    /**
     * Opens a copy of this file as tallyd would after a crash and checks that the first {@code expected}
     * events are in it; then, as a tallyd stopped in order right after that start (nothing appended),
     * closes it and opens it again: H2's close writes a header marked clean, which H2 2.3.232 trusts without
     * following the chain of chunks a crashed file gets, and when a chunk its layout lists is not whole it
     * opens an older commit (unless {@link StoreRecovery} settles the file first) or none ("Double mark").
     */
    private void check(Path file, int expected, List<String> ids, String where, List<String> losses) throws Exception {
        Path copy = Files.createTempDirectory(dir, "open");
        Files.copy(file, copy.resolve("c.mv.db"));
        String url = "jdbc:h2:file:" + copy.resolve("c") + Store.H2_SETTINGS;
        try {
            if (holds(url, StoreUpkeep.Settings.DEFAULT.off(), ids.get(expected - 1), where + ": event " + expected + ": ", losses)) {
                idleCloses++;
                try {
                    StoreFile closed = StoreFile.of(url).orElseThrow();
                    cleanCloses += closed.markedClean() ? 1 : 0;
                    distrustedCloses += closed.markedClean() && !closed.clean() ? 1 : 0;
                    if (!closed.markedClean()) {
                        Path trace = copy.resolve("c.trace.db");
                        closeFaults.add(where + ": event " + expected + ": " + chain(copy.resolve("c.mv.db")) + "; H2's trace: "
                                + (Files.exists(trace) ? Files.readString(trace) : "none"));
                        keep(copy.resolve("c.mv.db"), where + " idle close");
                    }
                } catch (RuntimeException e) {
                    losses.add(where + ": event " + expected + ", the idle close left a file H2 does not open: " + e);
                    closeFaults.add(where + ": event " + expected + ": a file H2 does not open: " + e + "; "
                            + chain(copy.resolve("c.mv.db")));
                    keep(copy.resolve("c.mv.db"), where + " idle close");
                }
                holds(url, StoreUpkeep.Settings.DEFAULT.off(), ids.get(expected - 1), where + ": event " + expected + ", opened again after an idle close: ", losses);
            }
            if (losses.size() > 0 && losses.get(losses.size() - 1).startsWith(where)) {
                keep(file, where);
            }
        } finally {
            try (var files = Files.walk(copy)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Opens the store at this URL as tallyd does (with this upkeep), finds the event with this id, closes it;
     * false (a loss noted) if not. Also {@link StoreRecoveryKillPointsTest}'s check.
     */
    static boolean holds(String url, StoreUpkeep.Settings upkeep, String id, String what, List<String> losses) {
        try (Store store = Store.open(url, upkeep);
             Connection c = store.connections().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM DomainEventEntry WHERE eventIdentifier = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 1) {
                    return true;
                }
                losses.add(what + "missing");
            }
        } catch (Exception e) {
            StringBuilder s = new StringBuilder(what).append(e);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                s.append(", caused by ").append(cause);
            }
            losses.add(s.toString());
        }
        return false;
    }
}
