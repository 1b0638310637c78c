package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * Testcontainers copying files into and out of a container ({@code PUT} and {@code GET
 * /containers/{id}/archive}), run by {@link TestcontainersIT} beside {@link TestcontainersCases}
 * (issue 14): as a non-admin user too, the file copied in is the container's root's.
 */
class TestcontainersCopyCases {

    private static GenericContainer<?> running;

    @BeforeAll
    static void start() {
        running = new GenericContainer<>(TestcontainersCases.BUSYBOX)
                .withCommand("sh", "-c", "echo ready; exec sleep 600")
                .waitingFor(Wait.forLogMessage("ready\\n", 1).withStartupTimeout(Duration.ofSeconds(60)));
        running.start();
    }

    @AfterAll
    static void stop() {
        if (running != null) {
            running.stop();
        }
    }

    @Test
    void aFileIsCopiedInAndOut(@TempDir Path dir) throws Exception {
        running.copyFileToContainer(Transferable.of("copied in\n"), "/tmp/in.txt");
        assertEquals("copied in\n", running.execInContainer("cat", "/tmp/in.txt").getStdout());
        assertEquals("0 0\n", running.execInContainer("stat", "-c", "%u %g", "/tmp/in.txt").getStdout(),
                "owned by the container's root, whoever its owner is on the host");
        running.execInContainer("sh", "-c", "echo made inside > /tmp/out.txt");
        Path out = dir.resolve("out.txt");
        running.copyFileFromContainer("/tmp/out.txt", out.toString());
        assertEquals("made inside\n", Files.readString(out, StandardCharsets.UTF_8));
    }
}
