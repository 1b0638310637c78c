package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReentrantKeyedLocksTest {

    private final ReentrantKeyedLocks locks = new ReentrantKeyedLocks();

    @Test
    void stepsForOneKeyWaitForTheStepsRunningBeforeThem() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> locks.exclusively("a", () -> {
            holding.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> release.getCount() == 0);
            return null;
        }));
        holding.await();
        AtomicBoolean secondRan = new AtomicBoolean();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> locks.exclusively("a", () -> {
            secondRan.set(true);
            return null;
        }));
        assertEquals("b", locks.exclusively("b", () -> "b")); // another key's steps do not wait
        assertFalse(secondRan.get());
        release.countDown();
        first.get();
        second.get();
        assertEquals(true, secondRan.get());
        assertEquals(0, locks.kept());
    }

    @Test
    void stepsMayAskForTheirOwnKeyAgain() {
        assertEquals("inner", locks.exclusively("a", () -> locks.exclusively("a", () -> "inner")));
    }
}
