package dev.tally.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: the process {@link StoreUpkeepCrashTest} kills. Opens the H2 store at {@code args[0]}
 * with the JDBC settings {@code args[1]} and an upkeep that rewrites in every round, then runs
 * {@code args[3]} writers, each appending the mixed load one event per commit (seeded from
 * {@code args[2]} and its number) and printing {@code ack ID STEPS} after each commit, beside one reader
 * that walks the hash chain and counts a read model, over and over, until it is killed. Any failure of a
 * writer or the reader is printed as {@code failed …}, the upkeep's as {@code tallyd: store upkeep: …}.
 */
public final class AppendingUntilKilled {

    /** Rewrites all the time (whatever is dead in the old chunks), so that a kill lands in the middle of it. */
    static final StoreUpkeep.Settings RESTLESS = new StoreUpkeep.Settings(true, Duration.ofMillis(5), -1,
            64 << 10, 8, Duration.ofMillis(200), 0);

    private AppendingUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        Store store = Store.open("jdbc:h2:file:" + Path.of(args[0]) + args[1], RESTLESS);
        store.engine();
        long seed = Long.parseLong(args[2]);
        int writers = Integer.parseInt(args[3]);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            MixedSessions load = new MixedSessions(store, seed * 1000 + w);
            threads.add(new Thread(() -> {
                while (true) {
                    String id = load.appendOne();
                    say("ack " + id + " " + store.upkeepCounts()[1]);
                }
            }, "writer-" + w));
        }
        threads.add(new Thread(() -> {
            while (true) {
                var verdict = store.chain().verify(null);
                if (!verdict.intact()) {
                    say("failed: the chain does not verify: " + verdict);
                }
                try (Connection c = store.connections().getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM container_view")) {
                    rs.next();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("count a read model", e);
                }
            }
        }, "reader"));
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((thread, e) -> {
                say("failed: " + thread.getName() + ": " + e);
                e.printStackTrace(System.out);
            });
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
