package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.container.ContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitWatcherTest {

    private static final Instant CREATED = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    private Path file(String name, String text, Instant at) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setLastModifiedTime(p, FileTime.from(at));
        return p;
    }

    @Test
    void anExitNamesThePidOfTheRunWhosePidFileCameBeforeIt() throws Exception {
        Path pid = file("pidfile", "4242", CREATED);
        Path exit = file("exit", "3\n", CREATED.plusSeconds(5));
        ContainerRuntime.Exit read = ExitWatcher.read(exit, pid).orElseThrow();
        assertEquals(new ContainerRuntime.Exit(3, CREATED.plusSeconds(5), 4242), read);
    }

    @Test
    void anExitOlderThanThePidFileIsAnEarlierRunsAndNamesNoPid() throws Exception {
        Path pid = file("pidfile", "4242", CREATED);
        Path exit = file("exit", "137", CREATED.minusSeconds(60));
        ContainerRuntime.Exit read = ExitWatcher.read(exit, pid).orElseThrow();
        assertEquals(0, read.pid());
        assertEquals(137, read.code());
        assertEquals(CREATED.minusSeconds(60), read.at());
    }

    @Test
    void withoutAPidFileTheExitNamesNoPid() throws Exception {
        Path exit = file("exit", "0", CREATED);
        assertEquals(0, ExitWatcher.read(exit, dir.resolve("pidfile")).orElseThrow().pid());
    }

    @Test
    void anEmptyOrMissingExitFileIsNoExitYet() throws Exception {
        Path pid = file("pidfile", "4242", CREATED);
        assertTrue(ExitWatcher.read(file("exit", "", CREATED), pid).isEmpty());
        assertTrue(ExitWatcher.read(dir.resolve("none"), pid).isEmpty());
    }

    @Test
    void aStopWaitsForTheExitBeingRecordedAndTakesNoMore() throws Exception {
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        ExitWatcher watcher = new ExitWatcher(dir, id -> dir.resolve(id + ".pid"), (id, exit) -> {
            inSink.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.incrementAndGet();
        });
        watcher.start();
        Files.writeString(dir.resolve("c1"), "0\n");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> inSink.getCount() == 0);

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> watcher.stop(Duration.ofSeconds(60)));
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !stopped.isDone());
        letGo.countDown();
        assertTrue(stopped.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, handled.get());

        Files.writeString(dir.resolve("c2"), "0\n");
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 1);
    }

    @Test
    void aStopGivesUpOnAnExitThatOutlivesTheGrace() throws Exception {
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        ExitWatcher watcher = new ExitWatcher(dir, id -> dir.resolve(id + ".pid"), (id, exit) -> {
            inSink.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watcher.start();
        Files.writeString(dir.resolve("c1"), "0\n");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> inSink.getCount() == 0);
        assertEquals(false, watcher.stop(Duration.ofMillis(100)));
        never.countDown();
    }
}
