package dev.tally.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay of the read models sets the upkeep aside ({@link Store#withUpkeepAside}): beside it on two cores,
 * the upkeep's rewriting of the dead space a busy log leaves took CPU and H2's store lock from the replay
 * (replays on main a quarter slower with it than without, docs/reliability.md, "Store size"). Set aside, a
 * round rewrites nothing under its bound, still moves the header pin (crash safety does not wait for a
 * replay), and rewrites again once the work has ended; above the bound it rewrites all the same, so a long
 * replay cannot let the file grow without end. Each case is decided by the settings, not by how fast this
 * host appends: a dead share of 0 (any dead MiB is worth rewriting) with a bound of 100 % (never passed) or 0.
 */
class StoreUpkeepAsideTest {

    /** Rewrites whatever is dead (above the upkeep's 1 MiB floor), rounds every 50 ms, the pin moved every 100 ms. */
    private static final StoreUpkeep.Settings EAGER = new StoreUpkeep.Settings(true, Duration.ofMillis(50), 0,
            StoreUpkeep.Settings.DEFAULT.writeLimit(), 4, Duration.ofMillis(100), 0);
    private static final int EVENTS = 1_500;

    @TempDir
    Path dir;
    private Store store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void setAsideTheUpkeepRewritesNothingUnderItsBoundButStillMovesThePin() {
        store = Store.open(url(), EAGER.asideShare(100));
        long[] after = store.withUpkeepAside(() -> {
            MixedSessions load = new MixedSessions(store, 12);
            for (int n = 0; n < EVENTS; n++) {
                load.appendOne();
            }
            long pins = store.upkeepCounts()[2];
            // until the appends' dead bytes are old enough to rewrite, then three rounds more
            await().atMost(Duration.ofMinutes(2)).until(() -> !store.upkeepSettled());
            long rounds = store.upkeepCounts()[0];
            await().atMost(Duration.ofMinutes(2)).until(() -> store.upkeepCounts()[0] >= rounds + 3);
            long[] counts = store.upkeepCounts();
            return new long[] {counts[1], counts[2] - pins};
        });
        assertEquals(0, after[0], "rewriting steps while set aside: " + store.upkeep());
        assertTrue(after[1] > 0, "the pin moved after the appends: " + store.upkeep());
        await().atMost(Duration.ofMinutes(2)).until(() -> store.upkeepCounts()[1] > 0);
    }

    @Test
    void setAsideTheUpkeepStillRewritesAboveItsBound() {
        store = Store.open(url(), EAGER.asideShare(0));
        store.withUpkeepAside(() -> {
            MixedSessions load = new MixedSessions(store, 12);
            for (int n = 0; n < EVENTS; n++) {
                load.appendOne();
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> store.upkeepCounts()[1] > 0);
            return null;
        });
    }

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("tally") + StoreUpkeepTest.BRIEF_RETENTION;
    }
}
