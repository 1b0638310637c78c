package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.container.ContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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
}
