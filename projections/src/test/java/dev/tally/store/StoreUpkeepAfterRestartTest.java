package dev.tally.store;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upkeep of a store opened again (every restart of tallyd) runs its rounds as the first open's did, with
 * the daemon's own check of the disk's free space: the database's file is then opened through the start's
 * file system ({@link StartHeaders}), whose name H2 keeps for the whole session, and the upkeep read the free
 * space of that name, which no disk has: every round failed before it moved the header pin, so after a
 * restart H2 freed nothing and the file grew with every commit.
 */
class StoreUpkeepAfterRestartTest {

    @TempDir
    Path dir;

    @Test
    void theUpkeepOfAStoreOpenedAgainEndsItsRounds() throws Exception {
        String url = Store.h2File(dir.resolve("tally"));
        // the daemon's settings (the free space looked at), rounds every 50 ms
        StoreUpkeep.Settings daemon = new StoreUpkeep.Settings(true, Duration.ofMillis(50),
                StoreUpkeep.Settings.DEFAULT.deadShare(), StoreUpkeep.Settings.DEFAULT.writeLimit(), 2,
                Duration.ofMillis(100), 1);
        try (Store store = Store.open(url, daemon)) {
            new MixedSessions(store, 7).appendOne();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.upkeepCounts()[0] >= 3);
        }
        try (Store store = Store.open(url, daemon)) {
            new MixedSessions(store, 8).appendOne();
            // a round is counted once it has ended, after its pin move: a failing one never
            await().atMost(Duration.ofSeconds(30)).until(() -> store.upkeepCounts()[0] >= 3);
        }
    }
}
