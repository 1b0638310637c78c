package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Store#close()} leaves the database closed, whatever still holds a connection: a request that
 * outlived the daemon's stop kept the database open after the pool let go of its idle connections, so
 * the process ended with its file not closed (the next start had to recover it), and no other process
 * could open it until then.
 */
class StoreCloseTest {

    @TempDir
    Path dir;

    @Test
    void aCloseWithAConnectionStillInUseClosesTheDatabaseCleanAndRollsThatConnectionBack() throws Exception {
        String url = Store.h2File(dir.resolve("tally"));
        Store store = Store.open(url, StoreUpkeepTest.QUICK);
        try (Connection c = store.connections().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acked(n INT)");
            s.execute("INSERT INTO acked VALUES (1)");
        }
        Connection inUse = store.connections().getConnection();
        inUse.setAutoCommit(false);
        try (Statement s = inUse.createStatement()) {
            s.execute("INSERT INTO acked VALUES (2)");
        }

        store.close();

        assertTrue(StoreFile.of(url).orElseThrow().clean(), "the file's header says it was closed");
        assertEquals("1", inAnotherProcess(OtherProcess.class, url + ";FILE_LOCK=FILE", "SELECT COUNT(*) FROM acked"),
                "another process opens it and finds the committed row only");
        assertThrows(SQLException.class, inUse::commit, "the connection still in use was ended with the database");
        store.close();
    }

    /**
     * A pass over the log reads through a session of its own, not the pool's ({@link EventLog}): begun after the
     * close, it must fail, not open the file again (as a new session on a closed database would).
     */
    @Test
    void aPassOverTheLogBegunAfterTheCloseFailsAndLeavesTheFileClosed() throws Exception {
        String url = Store.h2File(dir.resolve("tally"));
        Store store = Store.open(url, StoreUpkeepTest.QUICK);
        store.engine();
        assertEquals(0, store.log().forEach(null, m -> { }), "an empty log, read through the pass's own session");
        store.close();

        DomainException failed = assertThrows(DomainException.class, () -> store.log().forEach(null, m -> { }));
        assertTrue(failed.getMessage().contains("the store is closed"), failed.getMessage());
        assertTrue(StoreFile.of(url).orElseThrow().clean(), "the file's header says it was closed");
        assertEquals("0", inAnotherProcess(OtherProcess.class, url + ";FILE_LOCK=FILE", "SELECT COUNT(*) FROM DomainEventEntry"),
                "another process opens it: no session of this one holds it");
    }

    /**
     * In a JVM of its own without assertions, as tallyd runs. Before the store's close turned H2's close
     * compaction off ({@code MAX_COMPACT_TIME=0}, {@link Store#H2_SETTINGS}), H2 2.3.232's close stopped on its
     * own layout assertion after the upkeep's rewriting with them on (in {@code RandomAccessStore.moveChunkInside},
     * the chunk moves of that compaction; 23 of 25 runs) and left the file unclean.
     */
    @Test
    void aCloseInTheMiddleOfAnUpkeepRoundEndsItBetweenTwoStepsAndClosesTheDatabaseClean() throws Exception {
        String url = Store.h2File(dir.resolve("tally")).replace(Store.H2_SETTINGS, StoreUpkeepTest.BRIEF_RETENTION);
        String appended = inAnotherProcess(ClosingMidRound.class, url, "");

        assertTrue(StoreFile.of(url).orElseThrow().clean(), "the file's header says it was closed: see " + dir
                + "/tally.trace.db");
        assertEquals(appended, inAnotherProcess(OtherProcess.class, url + ";FILE_LOCK=FILE",
                "SELECT COUNT(*) FROM DomainEventEntry"), "another process opens it and finds every event");
    }

    /** Appends while the upkeep's rounds never end by themselves, closes the store in one; prints how many it appended. */
    static final class ClosingMidRound {
        public static void main(String[] args) {
            // every old chunk is worth rewriting, and a round's steps are unlimited
            StoreUpkeep.Settings endless = new StoreUpkeep.Settings(true, Duration.ofMillis(1), -1,
                    StoreUpkeep.Settings.DEFAULT.writeLimit(), Integer.MAX_VALUE, Duration.ofMillis(100), 0);
            Store store = Store.open(args[0], endless);
            MixedSessions load = new MixedSessions(store, 7);
            int appended = 0;
            do {
                // one at least: the endless rounds may reach their steps while the store opens
                load.appendOne();
                appended++;
            } while (store.upkeepCounts()[1] < 20);
            store.close();
            System.out.println(appended);
        }
    }

    /** What {@code main}'s last line of output is in another JVM (without assertions), which must end with 0. */
    private static String inAnotherProcess(Class<?> main, String url, String query) throws Exception {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"),
                "-Ddisable-axoniq-console-message=true", main.getName(), url, query).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), "another process failed: " + out);
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    /** Opens the database at {@code args[0]}, prints the first column of {@code args[1]}'s first row. */
    static final class OtherProcess {
        public static void main(String[] args) throws SQLException {
            try (Connection c = DriverManager.getConnection(args[0], "sa", ""); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery(args[1])) {
                r.next();
                System.out.println(r.getString(1));
            }
        }
    }
}
