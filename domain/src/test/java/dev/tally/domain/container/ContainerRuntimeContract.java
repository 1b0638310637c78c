package dev.tally.domain.container;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ContainerRuntime} does, as the use cases rely on it: one suite run against each
 * implementation (the runc runtime and {@link FakeContainerRuntime}), as containerd runs its
 * conformance suite against every runtime. A subclass gives a runtime whose exits are watched and
 * reported to {@link #exits()}, and an image with busybox's commands.
 */
public abstract class ContainerRuntimeContract {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(10);

    private final List<String> made = new ArrayList<>();

    /** The runtime under test, with {@link #exits()} registered and exits watched. */
    protected abstract ContainerRuntime runtime();

    /** An image the runtime can run busybox's {@code sh}, {@code sleep}, {@code echo} and {@code true} from. */
    protected abstract String imageId();

    /** Every exit the runtime under test reported. */
    protected abstract ReportedExits exits();

    /** Collects the exits a runtime reports, per container, in the order reported. */
    public static final class ReportedExits implements ContainerRuntime.ExitListener {
        private final Map<String, List<ContainerRuntime.Exit>> exits = new ConcurrentHashMap<>();

        @Override
        public void exited(String id, ContainerRuntime.Exit exit) {
            exits.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(exit);
        }

        public List<ContainerRuntime.Exit> of(String id) {
            return exits.getOrDefault(id, List.of());
        }
    }

    @AfterEach
    void removeWhatWasMade() {
        for (String id : made) {
            runtime().kill(id, "KILL");
            await().atMost(PATIENCE).pollInterval(POLL).until(() -> !runtime().inspect(id).running());
            runtime().remove(id);
        }
    }

    private static ContainerConfig config(List<String> cmd) {
        return new ContainerConfig("busybox", List.of(), cmd, List.of(), "", "", "", Map.of(), false, false, List.of(),
                ContainerConfig.Limits.NONE, "none", false, ContainerConfig.HostAccess.NONE);
    }

    private String created(String... cmd) {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        made.add(id);
        runtime().create(id, config(List.of(cmd)), imageId(), null);
        return id;
    }

    private String started(String... cmd) {
        String id = created(cmd);
        runtime().start(id);
        return id;
    }

    private ContainerRuntime.Exit reportedExit(String id) {
        await().atMost(PATIENCE).pollInterval(POLL).until(() -> !exits().of(id).isEmpty());
        return exits().of(id).get(0);
    }

    @Test
    void validateRefusesWhatCreateWouldWithoutTouchingTheHost() {
        java.util.Set<String> before = runtime().hostIds();
        DomainException e = assertThrows(DomainException.class,
                () -> runtime().validate(config(List.of()), imageId(), null));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        runtime().validate(config(List.of("true")), imageId(), null);
        assertEquals(before, runtime().hostIds());
    }

    @Test
    void aBundleIsPreparedFromItsCreateUntilItsRemoval() {
        String id = created("true");
        assertTrue(runtime().prepared(id));
        runtime().remove(id);
        assertFalse(runtime().prepared(id));
        assertFalse(runtime().prepared(HexFormat.of().formatHex(new byte[32])));
    }

    @Test
    void aStartedContainerRunsUnderThePidStartReturned() {
        String id = created("sleep", "60");
        long pid = runtime().start(id);
        ContainerRuntime.HostState state = runtime().inspect(id);
        assertTrue(pid > 0);
        assertTrue(state.running());
        assertEquals(pid, state.pid());
    }

    @Test
    void anExitIsReportedWithItsCodeAndInspectSaysTheSame() {
        String id = started("sh", "-c", "exit 3");
        assertEquals(3, reportedExit(id).code());
        ContainerRuntime.HostState state = runtime().inspect(id);
        assertFalse(state.running());
        assertEquals(3, state.exit().orElseThrow().code());
    }

    @Test
    void aKilledContainerExitsWith128PlusTheSignal() {
        String id = started("sleep", "60");
        runtime().kill(id, "KILL");
        assertEquals(137, reportedExit(id).code());
    }

    @Test
    void signalsAreNamedWithOrWithoutSig() {
        String id = started("sleep", "60");
        runtime().kill(id, "SIGKILL");
        assertEquals(137, reportedExit(id).code());
    }

    @Test
    void anUnknownSignalIsInvalid() {
        String id = started("sleep", "60");
        DomainException e = assertThrows(DomainException.class, () -> runtime().kill(id, "NOSUCHSIGNAL"));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void killingAContainerThatDoesNotRunIsNotAnError() {
        String id = created("sleep", "60");
        runtime().kill(id, "KILL");
        assertFalse(runtime().inspect(id).running());
    }

    @Test
    void aCommandThatIsNotThereFailsTheStartAsTheRequestsFault() {
        String id = created("no-such-command");
        DomainException e = assertThrows(DomainException.class, () -> runtime().start(id));
        assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        assertEquals(127, StartFailures.exitCode(e.getMessage()), e.getMessage());
        assertFalse(runtime().inspect(id).running());
    }

    @Test
    void startingAContainerThatWasNeverCreatedIsNotFound() {
        String id = HexFormat.of().formatHex(new byte[32]);
        DomainException e = assertThrows(DomainException.class, () -> runtime().start(id));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void inspectingAContainerThatWasNeverCreatedSaysItIsGone() {
        ContainerRuntime.HostState state = runtime().inspect(HexFormat.of().formatHex(new byte[32]));
        assertFalse(state.running());
        assertTrue(state.exit().isEmpty());
    }

    @Test
    void aContainerIsOnTheHostFromItsCreateUntilItsRemoval() {
        String id = created("true");
        assertTrue(runtime().hostIds().contains(id));
        runtime().remove(id);
        assertFalse(runtime().hostIds().contains(id));
    }

    @Test
    void releaseAndRemoveMayBeRepeated() {
        String id = started("true");
        reportedExit(id);
        runtime().release(id);
        runtime().release(id);
        runtime().remove(id);
        runtime().remove(id);
        assertFalse(runtime().hostIds().contains(id));
    }

    @Test
    void aReleasedContainerStartsAgain() {
        String id = started("sh", "-c", "exit 3");
        reportedExit(id);
        runtime().release(id);
        runtime().start(id);
        await().atMost(PATIENCE).pollInterval(POLL).until(() -> exits().of(id).size() == 2);
        assertEquals(3, exits().of(id).get(1).code());
    }

    @Test
    void anExitNamesTheProcessItEndsRunAfterRun() {
        String id = created("sh", "-c", "exit 3");
        long first = runtime().start(id);
        assertEquals(first, reportedExit(id).pid());
        assertEquals(first, runtime().inspect(id).exit().orElseThrow().pid());
        runtime().release(id);
        long second = runtime().start(id);
        await().atMost(PATIENCE).pollInterval(POLL).until(() -> exits().of(id).size() == 2);
        assertEquals(second, exits().of(id).get(1).pid());
        assertEquals(second, runtime().inspect(id).exit().orElseThrow().pid());
        assertTrue(first != second, "two runs, two processes");
    }

    @Test
    void theLogHoldsWhatTheContainerWrote() {
        String id = started("echo", "hello");
        reportedExit(id);
        try (LogCursor log = runtime().openLog(id)) {
            List<LogCursor.Line> lines = log.next();
            assertEquals(1, lines.size());
            assertEquals(1, lines.get(0).stream());
            assertEquals("hello\n", new String(lines.get(0).bytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anExecRunsInARunningContainerAndEndsWithItsCode() throws IOException {
        String id = started("sleep", "60");
        ExecProcess p = runtime().exec(id, new ExecSpec(List.of("echo", "hi"), false, "", "", List.of()));
        p.stdin().close();
        assertEquals("hi\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.waitFor());
        ExecProcess failing = runtime().exec(id, new ExecSpec(List.of("sh", "-c", "exit 4"), false, "", "", List.of()));
        failing.stdin().close();
        failing.stdout().readAllBytes();
        assertEquals(4, failing.waitFor());
        assertTrue(failing.startFailure().isEmpty());
    }

    @Test
    void anExecOfACommandThatIsNotThereEndsWith127AndSaysWhy() throws IOException {
        String id = started("sleep", "60");
        ExecProcess p = runtime().exec(id, new ExecSpec(List.of("no-such-command"), false, "", "", List.of()));
        p.stdin().close();
        p.stdout().readAllBytes();
        p.stderr().readAllBytes();
        assertEquals(127, p.waitFor());
        assertTrue(p.startFailure().orElseThrow().contains("executable file not found"), p.startFailure().toString());
    }
}
