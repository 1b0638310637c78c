package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadModelExitWaitsTest {

    /** The pid of the run the tests wait for. */
    private static final long PID = 4242;

    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", List.of(), List.of("sleep", "60"),
            List.of(), "", "", "", Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false,
            ContainerConfig.HostAccess.NONE);

    /** One container whose status a test sets; each change is announced as the projection does. */
    private static final class OneContainer implements ContainerQueries {
        final List<Consumer<ContainerView>> listeners = new CopyOnWriteArrayList<>();
        volatile ContainerView view = view(ContainerStatus.RUNNING, PID);

        static ContainerView view(ContainerStatus status, long pid) {
            return new ContainerView("c0ffee", "web", CONFIG, "sha256:ab", Actor.daemon(), Instant.EPOCH, status, pid, 0,
                    null, null, "");
        }

        void becomes(ContainerStatus status) {
            becomes(status, view.pid());
        }

        void becomes(ContainerStatus status, long pid) {
            view = view(status, pid);
            listeners.forEach(l -> l.accept(view));
        }

        @Override
        public Optional<ContainerView> find(String ref) {
            return Optional.of(view);
        }

        @Override
        public List<ContainerView> list(boolean all) {
            return List.of(view);
        }

        @Override
        public AutoCloseable subscribe(Consumer<ContainerView> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }

    private final OneContainer container = new OneContainer();
    private final ExecutorService steps = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-exit-step"));
    private final ReadModelExitWaits exits = new ReadModelExitWaits(container, steps);

    @AfterEach
    void stopSteps() {
        steps.shutdownNow();
    }

    @Test
    void aContainerThatIsNotRunningHasExitedAlready() {
        container.becomes(ContainerStatus.EXITED);
        assertTrue(exited(Duration.ZERO));
    }

    @Test
    void theWaitEndsWhenTheLogRecordsTheExit() {
        container.listeners.add(v -> { }); // another watcher does not disturb the wait
        Thread exiting = new Thread(() -> {
            while (container.listeners.size() < 2) {
                Thread.onSpinWait();
            }
            container.becomes(ContainerStatus.EXITED);
        });
        exiting.start();
        assertTrue(exited(Duration.ofSeconds(30)));
        assertEquals(1, container.listeners.size(), "the wait unsubscribed");
    }

    @Test
    void aContainerStillRunningAfterTheTimeoutHasNotExited() {
        assertFalse(exited(Duration.ofMillis(50)));
    }

    @Test
    void aLaterRunDoesNotHoldTheWaitForTheRunBefore() throws Exception {
        CompletableFuture<Boolean> wait = exits.exitOf("c0ffee", PID, Duration.ofSeconds(Integer.MAX_VALUE))
                .toCompletableFuture();
        container.becomes(ContainerStatus.RUNNING, PID + 1);
        assertTrue(wait.get(30, TimeUnit.SECONDS), "the run waited for ended");
        assertTrue(exited(Duration.ZERO), "a wait begun while a later run goes on is over at once");
    }

    @Test
    void aWaitForWhicheverRunWaitsWhileOneRuns() {
        assertFalse(exits.exitOf("c0ffee", 0, Duration.ofMillis(50)).toCompletableFuture().join());
    }

    private boolean exited(Duration timeout) {
        return exits.exitOf("c0ffee", PID, timeout).toCompletableFuture().join();
    }

    @Test
    void anAsynchronousWaitHoldsNoThreadAndGoesOnOnAStepThread() throws Exception {
        CompletableFuture<String> after = exits.exitOf("c0ffee", PID, Duration.ofSeconds(Integer.MAX_VALUE))
                .thenApply(exited -> exited + " on " + Thread.currentThread().getName()).toCompletableFuture();
        assertFalse(after.isDone());
        container.becomes(ContainerStatus.EXITED);
        assertEquals("true on test-exit-step", after.get(30, TimeUnit.SECONDS));
        assertEquals(0, container.listeners.size(), "the wait unsubscribed");
    }

    @Test
    void anAsynchronousWaitEndsFalseAtItsTimeout() throws Exception {
        assertFalse(exits.exitOf("c0ffee", PID, Duration.ofMillis(50)).toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(0, container.listeners.size(), "the wait unsubscribed");
    }
}
