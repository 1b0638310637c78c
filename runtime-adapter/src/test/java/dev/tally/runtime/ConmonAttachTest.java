package dev.tally.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.container.AttachStream;
import dev.tally.domain.container.ContainerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Attaching to a container's stdio through its conmon, with real runc and conmon. */
class ConmonAttachTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static RealRunc runc;

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    private static ContainerConfig withStdin(String... cmd) {
        return new ContainerConfig("busybox", List.of(), List.of(cmd), List.of(), "", "", "", Map.of(), false, true,
                List.of(), ContainerConfig.Limits.NONE, "none", false, ContainerConfig.HostAccess.NONE,
                ContainerConfig.Hardening.NONE, Map.of());
    }

    /** The stream's output up to its end. */
    private static String output(AttachStream stream) {
        StringBuilder out = new StringBuilder();
        AttachStream.Chunk chunk;
        while ((chunk = stream.read()) != null) {
            out.append(new String(chunk.bytes(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Test
    void inputAndItsEndSentBeforeTheProcessRunsReachIt() throws Exception {
        String id = runc.create(withStdin("sh", "-c", "wc -l; exit 3"), null);
        CompletableFuture<AttachStream> attaching = runc.runtime.attach(id);
        AtomicReference<AttachStream> stream = new AtomicReference<>();
        // as the docker CLI does: all of its input, and its end, before the start lets the process go
        attaching.thenAccept(s -> {
            s.write("line one\nline two\n".getBytes(StandardCharsets.UTF_8));
            s.closeStdin();
            stream.set(s);
        });
        runc.runtime.start(id);
        try (AttachStream s = stream.get()) {
            assertEquals("2\n", output(s));
        }
        await().atMost(PATIENCE).until(() -> runc.runtime.inspect(id).exit().isPresent());
        assertEquals(3, runc.runtime.inspect(id).exit().orElseThrow().code());
    }

    @Test
    void anAttachMadeWhileAStartLetsItsProcessGoIsConnected() throws Exception {
        // A start connects the attaches that wait for it, then lets the process go (runc start). An
        // attach that came in between found runc saying "created", not "running", and waited for the
        // next start: its client hung, and its input never reached the process.
        String id = runc.create(withStdin("sh", "-c", "read line; echo got $line"), null);
        CompletableFuture<AttachStream> first = runc.runtime.attach(id);
        AtomicReference<CompletableFuture<AttachStream>> second = new AtomicReference<>();
        // completed by the start, on its thread, between connecting the waiting attaches and runc start
        first.thenAccept(s -> second.set(runc.runtime.attach(id)));
        runc.runtime.start(id);
        await().atMost(PATIENCE).until(() -> second.get() != null && second.get().isDone());
        try (AttachStream early = first.get(); AttachStream late = second.get().get(0, TimeUnit.SECONDS)) {
            late.write("hello\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("got hello\n", output(late));
            assertEquals("got hello\n", output(early));
        }
    }
}
