package dev.tally.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.domain.DomainException;
import dev.tally.runtime.image.LayeredImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** conmon for a real runc container: its answer is never lost, and one that never comes is bounded. */
class ConmonLaunchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RealRunc runc;

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    /** A created container with its root filesystem mounted, as start has it before conmon runs. */
    private static Path mountedBundle(String id) {
        Path dir = runc.dataRoot.resolve("containers").resolve(id);
        Mounts.overlay(new LayeredImageStore(runc.dataRoot).layerDirs(runc.imageId), dir.resolve("upper"),
                dir.resolve("work"), dir.resolve("rootfs"));
        return dir;
    }

    private static ConmonLaunch launch(String id, Path dir) throws Exception {
        JsonNode spec = JSON.readTree(dir.resolve("config.json").toFile());
        return ConmonLaunch.start("conmon for " + id, runc.runtime.monitorCommand(id, dir, spec),
                dir.resolve("conmon.err"), dir.resolve("conmon.pid"));
    }

    /** Issue 10, finding 6: a container's log has a size cap, handed to conmon. */
    @Test
    void conmonIsToldTheLogsSizeCap() throws Exception {
        String id = runc.create(RealRunc.config(List.of("true")), null);
        Path dir = runc.dataRoot.resolve("containers").resolve(id);
        List<String> argv = runc.runtime.monitorCommand(id, dir, JSON.readTree(dir.resolve("config.json").toFile()));
        int flag = argv.indexOf("--log-size-max");
        assertTrue(flag > 0, argv.toString());
        assertEquals(Long.toString(RuncRuntime.LOG_SIZE_MAX), argv.get(flag + 1));
    }

    /**
     * The flaky start: conmon's first process exits at once, and when Java saw that exit before it
     * read, the pid conmon wrote afterwards was lost. Reading only after the launch has ended makes
     * that order certain.
     */
    @Test
    void conmonsAnswerIsReadEvenAfterTheLaunchedProcessEnded() throws Exception {
        String id = runc.create(RealRunc.config(List.of("sleep", "60")), null);
        ConmonLaunch launch = launch(id, mountedBundle(id));
        await().atMost(Duration.ofSeconds(60)).until(() -> !launch.shell().isAlive());

        Optional<String> answer = launch.answer(Duration.ofSeconds(5));

        assertTrue(answer.isPresent(), "conmon's answer was lost");
        long pid = JSON.readTree(answer.get()).path("data").asLong();
        assertTrue(pid > 0, answer.get());
        assertEquals(runc.runtime.inspect(id).pid(), pid);
    }

    @Test
    void aStartWhoseMonitorNeverAnswersIsUndoneAndLeavesNothing() throws Exception {
        String id = runc.create(RealRunc.config(List.of("sleep", "60")), null);
        Path config = runc.dataRoot.resolve("containers").resolve(id).resolve("config.json");
        // runc create runs this hook and waits for it: conmon cannot answer before it ends.
        ObjectNode spec = (ObjectNode) JSON.readTree(config.toFile());
        spec.putObject("hooks").putArray("createRuntime").addObject()
                .put("path", "/bin/sleep").putArray("args").add("sleep").add("6");
        JSON.writeValue(config.toFile(), spec);
        Duration limit = runc.runtime.monitorAnswerLimit;
        runc.runtime.monitorAnswerLimit = Duration.ofSeconds(2);
        try {
            DomainException e = assertThrows(DomainException.class, () -> runc.runtime.start(id));

            assertEquals(DomainException.Kind.FAILED, e.kind());
            assertEquals("conmon for " + id + " gave no answer within 2 s; stopped it", e.getMessage());
            await().atMost(Duration.ofSeconds(30)).until(() -> HostLeftovers.of(runc, id), List::isEmpty);
        } finally {
            runc.runtime.monitorAnswerLimit = limit;
        }
    }
}
