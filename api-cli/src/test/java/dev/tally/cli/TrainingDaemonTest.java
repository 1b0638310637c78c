package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in daemon that trains the CLI's class-data archive answers the training commands as
 * tallyd does: each runs its whole path to a successful end (had it failed, the archive would hold
 * only the path up to the failure, and the first class missing from it makes a start open the jars).
 */
@Timeout(60)
class TrainingDaemonTest {

    @TempDir
    Path dir;

    private static boolean accepts(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Test
    void theTrainingCommandsRunToTheirEndAgainstIt() {
        Path socket = dir.resolve("train.sock");
        Thread server = new Thread(() -> {
            try {
                TrainingDaemon.serve(socket);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "training-daemon");
        server.setDaemon(true);
        server.start();
        // until it takes a connection: its socket's file is there from the bind, and it listens only after that
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> accepts(socket));
        String at = "unix://" + socket;

        CliRun pull = CliRun.runWithoutEnv("-H", at, "pull", "localhost/training:v1");
        assertEquals(0, pull.exitCode(), pull.stderr());
        assertTrue(pull.stdout().contains("e2e1482ee54d: Pull complete 2.1MB"), pull.stdout());
        assertTrue(pull.stdout().contains("Status: Downloaded newer image for localhost/training:v1"), pull.stdout());
        CliRun quiet = CliRun.runWithoutEnv("-H", at, "pull", "-q", "localhost/training:v1");
        assertEquals(new CliRun(0, "localhost/training:v1\n", ""), quiet);
        CliRun push = CliRun.runWithoutEnv("-H", at, "push", "localhost/training:v1");
        assertEquals(0, push.exitCode(), push.stderr());
        assertTrue(push.stdout().contains("f9e5a9b7cda2: Pushed 1.05MB"), push.stdout());
        assertTrue(push.stdout().contains("v1: digest: sha256:"), push.stdout());
        assertEquals(new CliRun(0, "localhost/training:v1\n", ""),
                CliRun.runWithoutEnv("-H", at, "push", "-q", "localhost/training:v1"));
        for (List<String> args : List.of(List.of("version"), List.of("ps", "-a"), List.of("images"),
                List.of("tag", "localhost/training:v1", "localhost/training:v2"), List.of("rmi", "localhost/training:v2"))) {
            String[] line = java.util.stream.Stream.concat(java.util.stream.Stream.of("-H", at), args.stream())
                    .toArray(String[]::new);
            CliRun r = CliRun.runWithoutEnv(line);
            assertEquals(0, r.exitCode(), args + ": " + r.stderr());
        }
        assertTrue(CliRun.runWithoutEnv("-H", at, "images").stdout().contains("localhost/training"));
        for (String verb : new String[] {"inspect", "image"}) {
            CliRun inspect = verb.equals("inspect") ? CliRun.runWithoutEnv("-H", at, "inspect", "localhost/training:v1")
                    : CliRun.runWithoutEnv("-H", at, "image", "inspect", "localhost/training:v1");
            assertEquals(0, inspect.exitCode(), verb + ": " + inspect.stderr());
            assertTrue(inspect.stdout().contains("\"Id\": \"sha256:7777"), inspect.stdout());
        }
        assertEquals(new CliRun(0, "Untagged: localhost/training:v2\n", ""),
                CliRun.runWithoutEnv("-H", at, "rmi", "localhost/training:v2"));
    }
}
