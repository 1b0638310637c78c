package dev.tally.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerRuntime.HostState;
import dev.tally.runtime.image.LayeredImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a {@code runc state} that fails for another reason than an unknown container must never
 * read as an ended process (it was reported gone, and recorded as an exit with code 255). A real
 * container, asked through a runc that fails {@code state} while a flag file exists.
 */
class RuncStateFailureTest {

    private static RealRunc runc;
    private static Path flag;
    private static RuncRuntime flaky;

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
        flag = runc.root.resolve("fail-state");
        Path wrapper = runc.root.resolve("flaky-runc");
        String real = RealRunc.sh("sh", "-c", "command -v runc").strip();
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "for a in \"$@\"; do\n"
                + "  if [ \"$a\" = state ] && [ -e " + flag + " ]; then\n"
                + "    echo 'time=\"2026-12-04T00:00:00Z\" level=error msg=\"open state.json: resource temporarily unavailable\"' >&2\n"
                + "    exit 1\n"
                + "  fi\n"
                + "done\n"
                + "exec " + real + " \"$@\"\n");
        Files.setAttribute(wrapper, "unix:mode", 0700);
        flaky = new RuncRuntime(runc.dataRoot, runc.root.resolve("run"), new LayeredImageStore(runc.dataRoot),
                wrapper.toString(), RealRunc.sh("sh", "-c", "command -v conmon").strip());
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    @Test
    void aRuncStateThatFailsIsAFailureNotAnEndedProcess() throws Exception {
        String id = runc.start(RealRunc.config(List.of("sleep", "60")), null);
        assertTrue(flaky.inspect(id).running());
        Files.writeString(flag, "");
        try {
            DomainException e = assertThrows(DomainException.class, () -> flaky.inspect(id));
            assertEquals(DomainException.Kind.FAILED, e.kind());
            assertTrue(e.getMessage().contains("resource temporarily unavailable"), e.getMessage());
        } finally {
            Files.delete(flag);
        }
        HostState again = flaky.inspect(id);
        assertTrue(again.running(), "asked again, the host says it still runs");
        assertTrue(again.exit().isEmpty());
    }

    @Test
    void aContainerRuncDoesNotKnowIsGoneWithoutAnExit() {
        HostState unknown = flaky.inspect(HexFormat.of().formatHex(new byte[32]));
        assertFalse(unknown.running());
        assertTrue(unknown.exit().isEmpty());
        assertFalse(unknown.exitPending());
    }

    /** Its monitor killed first, then its process: runc says stopped, and no exit code is anywhere. */
    @Test
    void aProcessWhoseMonitorDiedFirstEndsWithoutAnExitAndWithoutAPendingOne() throws Exception {
        String id = runc.start(RealRunc.config(List.of("sleep", "60")), null);
        long conmon = Long.parseLong(Files.readString(runc.dataRoot.resolve("containers/" + id + "/conmon.pid")).strip());
        long pid = runc.runtime.inspect(id).pid();
        RealRunc.sh("kill", "-KILL", Long.toString(conmon));
        await().atMost(Duration.ofSeconds(10)).until(() -> !RuncRuntime.alive(conmon));
        RealRunc.sh("kill", "-KILL", Long.toString(pid));
        await().atMost(Duration.ofSeconds(10)).until(() -> !runc.runtime.inspect(id).running());
        HostState state = runc.runtime.inspect(id);
        assertTrue(state.exit().isEmpty(), state.toString());
        assertFalse(state.exitPending(), state.toString());
    }
}
