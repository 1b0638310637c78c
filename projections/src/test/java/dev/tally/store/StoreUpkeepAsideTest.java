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
 * the upkeep's rewriting of a store's dead space would take CPU and H2's store lock from the replay.
 * Set aside, a round rewrites nothing under its bound, still moves the header pin (crash safety does not wait
 * for a replay), and rewrites again once the work has ended; above the bound it rewrites all the same, so a
 * long replay cannot let the file grow without end. The test runs the rounds itself (the period is longer
 * than the test) once the appends' chunks are old enough to rewrite, and each case is decided by the
 * settings, not by how fast this host appends: a dead share of 0 (any dead MiB is worth rewriting) with a
 * bound of 100 % (never passed) or 0.
 */
class StoreUpkeepAsideTest {

    /** Rewrites whatever is dead (above the upkeep's 1 MiB floor); no round but the test's; the pin moved every 100 ms. */
    private static final StoreUpkeep.Settings EAGER = new StoreUpkeep.Settings(true, Duration.ofHours(1), 0,
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
        long[] aside = store.withUpkeepAside(() -> {
            long pins = appendUntilWorthRewriting();
            for (int round = 0; round < 3; round++) {
                store.upkeepRound();
            }
            long[] counts = store.upkeepCounts();
            return new long[] {counts[1], counts[2] - pins};
        });
        assertEquals(0, aside[0], "rewriting steps while set aside: " + store.upkeep());
        assertTrue(aside[1] > 0, "the pin moved past the appends while set aside: " + store.upkeep());
        store.upkeepRound();
        assertTrue(store.upkeepCounts()[1] > 0, "a rewriting step once the work has ended: " + store.upkeep());
    }

    @Test
    void setAsideTheUpkeepStillRewritesAboveItsBound() {
        store = Store.open(url(), EAGER.asideShare(0));
        long steps = store.withUpkeepAside(() -> {
            appendUntilWorthRewriting();
            store.upkeepRound();
            return store.upkeepCounts()[1];
        });
        assertTrue(steps > 0, "a rewriting step while set aside, above the bound: " + store.upkeep());
    }

    /**
     * Appends the mixed load, then waits until its chunks are old enough to rewrite (the upkeep's rewrite age)
     * and hold more dead bytes than a round not set aside leaves; returns the pin's moves before the wait.
     */
    private long appendUntilWorthRewriting() {
        MixedSessions load = new MixedSessions(store, 12);
        for (int n = 0; n < EVENTS; n++) {
            load.appendOne();
        }
        long pins = store.upkeepCounts()[2];
        await().atMost(Duration.ofMinutes(2)).until(() -> !store.upkeepSettled());
        return pins;
    }

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("tally") + StoreUpkeepTest.BRIEF_RETENTION;
    }
}
