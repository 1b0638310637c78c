package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.autoRemoved;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerKillRequested;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStopRequested;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tally.domain.container.query.ContainerView;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerLifecycleTest {

    private final UseCaseFixture f = new UseCaseFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static List<Class<?>> types(List<Object> events) {
        return events.stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void aStartIsRecordedAsAnIntentThenItsOutcome() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        List<Object> events = f.eventsOf(() -> f.lifecycle.start(id, ALICE));
        assertEquals(List.of(ContainerStartRequested.class, ContainerStarted.class), types(events));
        assertEquals(f.runtime.inspect(id).pid(), ((ContainerStarted) events.get(1)).pid());
        assertEquals(ContainerStatus.RUNNING, f.status(id));
    }

    @Test
    void aFailedStartIsRecordedAndThrownAsTheCommandsFault() {
        String id = f.creation.create("web", config("no-such-command"), ALICE);
        List<Object> events = f.eventsOf(() -> {
            DomainException e = assertThrows(DomainException.class, () -> f.lifecycle.start(id, ALICE));
            assertEquals(DomainException.Kind.INVALID, e.kind());
        });
        assertEquals(List.of(ContainerStartRequested.class, ContainerStartFailed.class), types(events));
        assertEquals(ContainerStatus.CREATED, f.status(id));
        assertEquals(127, f.view(id).orElseThrow().exitCode());
    }

    @Test
    void aFailedStartOfAContainerCreatedWithRmRemovesIt() {
        String id = f.creation.create("web", autoRemoved("no-such-command"), ALICE);
        assertThrows(DomainException.class, () -> f.lifecycle.start(id, ALICE));
        assertEquals(ContainerStatus.REMOVED, f.status(id));
        assertFalse(f.runtime.exists(id));
        assertEquals(List.of(id + " by tallyd"), f.removedWithVolumes);
    }

    @Test
    void anExitTheHostReportsIsRecordedAndTheHostSideReleased() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.exit(id, 3);
        List<Object> events = f.eventsOf(f.runtime::reportExits);
        assertEquals(List.of(ContainerExited.class), types(events));
        assertEquals(3, f.view(id).orElseThrow().exitCode());
        assertTrue(f.runtime.calls().contains("release " + id));
    }

    @Test
    void anExitOfAContainerCreatedWithRmRemovesItInTheSameCommit() {
        String id = f.creation.create("web", autoRemoved("sleep", "60"), ALICE);
        f.lifecycle.start(id, ALICE);
        f.runtime.exit(id, 0);
        List<Object> events = f.eventsOf(f.runtime::reportExits);
        assertEquals(List.of(ContainerExited.class, ContainerRemoved.class), types(events));
        assertFalse(f.runtime.exists(id));
        assertEquals(List.of(id + " by tallyd"), f.removedWithVolumes, "its anonymous volumes go with it, the daemon's doing");
        f.creation.create("web", config("true"), ALICE);
    }

    @Test
    void anExitReportedTwiceIsRecordedOnce() {
        String id = f.running(ALICE, "sleep", "60");
        ContainerRuntime.Exit exit = new ContainerRuntime.Exit(3, Instant.now());
        List<Object> events = f.eventsOf(() -> {
            f.lifecycle.exited(id, exit);
            f.lifecycle.exited(id, exit);
        });
        assertEquals(List.of(ContainerExited.class), types(events));
    }

    @Test
    void anEarlierRunsExitReportedLateIsNotTakenForTheRunThatGoesOn() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.exit(id, 3);
        ContainerRuntime.Exit first = f.runtime.inspect(id).exit().orElseThrow();
        f.runtime.reportExits();
        f.lifecycle.start(id, ALICE);
        long secondPid = f.runtime.inspect(id).pid();
        int callsBefore = f.runtime.calls().size();
        // the first run's exit again, as a report that was held up (a second reporter, a slow handler) would bring it
        List<Object> events = f.eventsOf(() -> f.runtime.reportAgain(id, first));
        assertEquals(List.of(), events);
        assertEquals(ContainerStatus.RUNNING, f.status(id));
        assertTrue(f.runtime.inspect(id).running(), "the run that goes on is not released");
        assertEquals(List.of(), f.runtime.calls().subList(callsBefore, f.runtime.calls().size()));
        f.runtime.exit(id, 5);
        f.runtime.reportExits();
        assertEquals(5, f.view(id).orElseThrow().exitCode());
        assertTrue(secondPid != first.pid());
    }

    @Test
    void anExitOfAContainerNoLongerInTheLogIsIgnored() {
        List<Object> events = f.eventsOf(() -> f.lifecycle.exited("c0ffee", new ContainerRuntime.Exit(0, Instant.now())));
        assertEquals(List.of(), events);
    }

    @Test
    void stopSendsTermAndReturnsOnceTheExitIsRecorded() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> f.lifecycle.stop(id, null, -1, ALICE));
        assertEquals(List.of(ContainerStopRequested.class, ContainerExited.class), types(events));
        assertEquals("TERM", ((ContainerStopRequested) events.get(0)).signal());
        assertEquals(10, ((ContainerStopRequested) events.get(0)).timeoutSeconds());
        assertEquals(143, f.view(id).orElseThrow().exitCode());
    }

    /** --stop-signal and --stop-timeout: what a stop sends and how long it waits when its request says neither. */
    @Test
    void aStopThatNamesNoSignalSendsTheContainersOwnAndWaitsItsTimeout() {
        String id = f.creation.create(null, UseCaseFixture.config("sleep", "60")
                .withStop(new ContainerConfig.Stop("SIGUSR1", 1)), ALICE);
        f.lifecycle.start(id, ALICE);
        f.runtime.ignore(id, "USR1");
        List<Object> events = f.eventsOf(() -> f.lifecycle.stop(id, null, -1, ALICE));
        ContainerStopRequested asked = (ContainerStopRequested) events.get(0);
        assertEquals("SIGUSR1", asked.signal());
        assertEquals(1, asked.timeoutSeconds());
        List<String> kills = f.runtime.calls().stream().filter(c -> c.startsWith("kill ")).toList();
        assertEquals(List.of("kill " + id + " SIGUSR1", "kill " + id + " KILL"), kills);
    }

    @Test
    void aStopsOwnSignalAndTimeoutComeBeforeTheContainers() {
        String id = f.creation.create(null, UseCaseFixture.config("sleep", "60")
                .withStop(new ContainerConfig.Stop("USR1", 300)), ALICE);
        f.lifecycle.start(id, ALICE);
        List<Object> events = f.eventsOf(() -> f.lifecycle.stop(id, "INT", 5, ALICE));
        assertEquals("INT", ((ContainerStopRequested) events.get(0)).signal());
        assertEquals(5, ((ContainerStopRequested) events.get(0)).timeoutSeconds());
        assertEquals(130, f.view(id).orElseThrow().exitCode());
    }

    /** dockerd merges the image's STOPSIGNAL into the container's config at create: the record says how it stops. */
    @Test
    void theImagesStopSignalIsTheContainersWhenItNamesNone() {
        f.imageConfigs.put(UseCaseFixture.IMAGE_ID, java.util.Map.of("StopSignal", "SIGQUIT"));
        String fromImage = f.creation.create(null, UseCaseFixture.config("sleep", "60"), ALICE);
        assertEquals(new ContainerConfig.Stop("SIGQUIT", null), f.view(fromImage).orElseThrow().config().stop());
        String own = f.creation.create(null, UseCaseFixture.config("sleep", "60")
                .withStop(new ContainerConfig.Stop("HUP", 3)), ALICE);
        assertEquals(new ContainerConfig.Stop("HUP", 3), f.view(own).orElseThrow().config().stop());
        f.lifecycle.start(fromImage, ALICE);
        List<Object> events = f.eventsOf(() -> f.lifecycle.stop(fromImage, null, -1, ALICE));
        assertEquals("SIGQUIT", ((ContainerStopRequested) events.get(0)).signal());
        assertEquals(131, f.view(fromImage).orElseThrow().exitCode());
    }

    @Test
    void aStopSignalThatIsNoneOrATimeoutBelowMinusOneIsRefusedBeforeAnythingIsRecorded() {
        for (ContainerConfig.Stop bad : List.of(new ContainerConfig.Stop("SIGFOO", null), new ContainerConfig.Stop("", -2))) {
            List<Object> events = f.eventsOf(() -> {
                DomainException e = assertThrows(DomainException.class, () -> f.creation.create(null,
                        UseCaseFixture.config("true").withStop(bad), ALICE));
                assertEquals(DomainException.Kind.INVALID, e.kind());
            });
            assertEquals(List.of(), events, bad.toString());
        }
        f.imageConfigs.put(UseCaseFixture.IMAGE_ID, java.util.Map.of("StopSignal", "NOSUCH"));
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create(null,
                UseCaseFixture.config("true"), ALICE));
        assertEquals("Invalid signal: NOSUCH", e.getMessage());
    }

    @Test
    void stopSendsKillWhenTheContainerOutlivesItsSignal() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.ignore(id, "TERM");
        f.lifecycle.stop(id, null, 1, ALICE);
        List<String> kills = f.runtime.calls().stream().filter(c -> c.startsWith("kill ")).toList();
        assertEquals(List.of("kill " + id + " TERM", "kill " + id + " KILL"), kills);
        assertEquals(137, f.view(id).orElseThrow().exitCode());
    }

    @Test
    void aStopReturnsOnceTheSignalIsSentAndCompletesWithTheExit() {
        String id = f.running(ALICE, "sleep", "60");
        f.runtime.ignore(id, "TERM");
        CompletableFuture<Boolean> exit = new CompletableFuture<>();
        f.heldExit = exit;
        CompletableFuture<Void> stopped = f.lifecycle.stop(id, null, Integer.MAX_VALUE, ALICE).toCompletableFuture();
        assertFalse(stopped.isDone());
        assertEquals(ContainerStatus.RUNNING, f.status(id));
        exit.complete(false);
        assertTrue(stopped.isDone());
        List<String> kills = f.runtime.calls().stream().filter(c -> c.startsWith("kill ")).toList();
        assertEquals(List.of("kill " + id + " TERM", "kill " + id + " KILL"), kills);
        assertEquals(137, f.view(id).orElseThrow().exitCode());
    }

    /**
     * Waits as tallyd's do: on the read model, from the call on, for one run, with a real timeout;
     * counts the waits that timed out.
     */
    private final class TimedExitWaits implements ExitWaits, AutoCloseable {
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        final AtomicInteger timedOut = new AtomicInteger();

        @Override
        public CompletionStage<Boolean> exitOf(String id, long pid, Duration timeout) {
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            AutoCloseable sub = f.views.subscribe(v -> {
                if (v.id().equals(id) && ended(v, pid)) {
                    done.complete(true);
                }
            });
            if (f.views.find(id).map(v -> ended(v, pid)).orElse(true)) {
                done.complete(true);
            }
            timers.schedule(() -> {
                if (done.complete(false)) {
                    timedOut.incrementAndGet();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            return done.whenCompleteAsync((exited, failure) -> {
                try {
                    sub.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, timers);
        }

        private static boolean ended(ContainerView v, long pid) {
            return v.status() != ContainerStatus.RUNNING || pid != 0 && v.pid() != pid;
        }

        @Override
        public void close() {
            timers.shutdownNow();
        }
    }

    /**
     * As the host may have it: the signal ends the run at once, its exit is recorded before kill
     * returns, and another client starts the container again; returns that start's pid.
     */
    private CompletableFuture<Long> exitAndAStartByAnotherClientAtTheSignal(String id) {
        CompletableFuture<Long> restarted = new CompletableFuture<>();
        f.runtime.afterEachKill(() -> {
            if (!restarted.isDone()) {
                f.runtime.reportExits();
                f.lifecycle.start(id, ALICE);
                restarted.complete(f.view(id).orElseThrow().pid());
            }
        });
        return restarted;
    }

    @Test
    void aStopWaitsForTheRunItSignalledNotForARunStartedAfterItsExit() throws Exception {
        String id = f.running(ALICE, "sleep", "60");
        long first = f.view(id).orElseThrow().pid();
        CompletableFuture<Long> second = exitAndAStartByAnotherClientAtTheSignal(id);
        try (TimedExitWaits waits = new TimedExitWaits()) {
            ContainerLifecycle lifecycle = new ContainerLifecycle(f.commands, f.runtime, f.visible,
                    new UseCaseFixture.InOrder(), waits);
            lifecycle.stop(id, null, 1, UseCaseFixture.ROOT).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(0, waits.timedOut.get(), "the stop's wait timed out");
        }
        assertTrue(second.isDone() && second.get() != first);
        assertEquals(ContainerStatus.RUNNING, f.status(id), "the run started after the exit was killed");
        assertEquals(second.get(), f.view(id).orElseThrow().pid());
        assertEquals(List.of("kill " + id + " TERM"), f.runtime.calls().stream().filter(c -> c.startsWith("kill ")).toList());
    }

    @Test
    void aForcedRemovalWaitsForTheRunItKilledNotForARunStartedAfterItsExit() {
        String id = f.running(ALICE, "sleep", "60");
        exitAndAStartByAnotherClientAtTheSignal(id);
        try (TimedExitWaits waits = new TimedExitWaits()) {
            ContainerLifecycle lifecycle = new ContainerLifecycle(f.commands, f.runtime, f.visible,
                    new UseCaseFixture.InOrder(), waits);
            lifecycle.remove(id, true, UseCaseFixture.ROOT);
            assertEquals(0, waits.timedOut.get(), "the removal waited out its timeout for the next run");
        }
        assertEquals(ContainerStatus.REMOVED, f.status(id));
        assertFalse(f.runtime.exists(id));
    }

    @Test
    void stoppingAContainerThatIsNotRunningIsNotModified() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        DomainException e = assertThrows(DomainException.class, () -> f.lifecycle.stop(id, null, -1, ALICE));
        assertEquals(DomainException.Kind.NOT_MODIFIED, e.kind());
    }

    @Test
    void killSendsKillUnlessToldOtherwise() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> f.lifecycle.kill(id, "", ALICE));
        assertEquals("KILL", ((ContainerKillRequested) events.get(0)).signal());
        assertTrue(f.runtime.calls().contains("kill " + id + " KILL"));
    }

    @Test
    void killingAContainerThatIsNotRunningIsAConflict() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        DomainException e = assertThrows(DomainException.class, () -> f.lifecycle.kill(id, null, ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertFalse(f.runtime.calls().contains("kill " + id + " KILL"));
    }

    @Test
    void restartStopsARunningContainerThenStartsIt() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> f.lifecycle.restart(id, null, -1, ALICE));
        assertEquals(List.of(ContainerStopRequested.class, ContainerExited.class, ContainerStartRequested.class,
                ContainerStarted.class), types(events));
    }

    @Test
    void restartStartsAContainerThatIsNotRunning() {
        String id = f.creation.create("web", config("sleep", "60"), ALICE);
        List<Object> events = f.eventsOf(() -> f.lifecycle.restart(id, null, -1, ALICE));
        assertEquals(List.of(ContainerStartRequested.class, ContainerStarted.class), types(events));
    }

    /**
     * The monitor's late report of an exit that rm -f recorded with the container's removal, read
     * against a read model that still lists the container: nothing more is recorded, nothing is thrown
     * (the exit watcher logged "recording the exit … failed: Aggregate … deleted" for it).
     */
    @Test
    void aLateExitOfAContainerRemovedSinceItsViewWasReadIsNotAnError() {
        String id = f.running(ALICE, "sleep", "60");
        ContainerView before = f.view(id).orElseThrow();
        f.lifecycle.remove(id, true, ALICE);
        dev.tally.domain.container.query.ContainerQueries stale = new dev.tally.domain.container.query.ContainerQueries() {
            @Override
            public Optional<ContainerView> find(String ref) {
                return ref.equals(id) ? Optional.of(before) : f.views.find(ref);
            }

            @Override
            public List<ContainerView> list(boolean all) {
                return f.views.list(all);
            }

            @Override
            public AutoCloseable subscribe(java.util.function.Consumer<ContainerView> listener) {
                return f.views.subscribe(listener);
            }
        };
        ContainerLifecycle late = new ContainerLifecycle(f.commands, f.runtime, new VisibleContainers(stale, f.access),
                new UseCaseFixture.InOrder(), (c, pid, timeout) -> java.util.concurrent.CompletableFuture.completedFuture(true));
        List<Object> events = f.eventsOf(() -> late.exited(id, new ContainerRuntime.Exit(137, Instant.now())));
        assertEquals(List.of(), events);
    }

    @Test
    void removingARunningContainerNeedsForce() {
        String id = f.running(ALICE, "sleep", "60");
        DomainException e = assertThrows(DomainException.class, () -> f.lifecycle.remove(id, false, ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(f.runtime.exists(id));
    }

    @Test
    void forceRemovalKillsRecordsTheExitThenRemoves() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> f.lifecycle.remove(id, true, ALICE));
        assertEquals(List.of(ContainerKillRequested.class, ContainerExited.class, ContainerRemoved.class), types(events));
        assertFalse(f.runtime.exists(id));
        assertEquals(List.of(), f.removedWithVolumes, "rm without -v leaves its volumes");
        String other = f.running(ALICE, "sleep", "60");
        f.lifecycle.remove(other, true, true, ALICE);
        assertEquals(List.of(other + " by alice"), f.removedWithVolumes, "rm -v takes them, as the caller");
    }

    @Test
    void anotherUsersContainerIsNotFoundAndTheRefusalIsRecorded() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> {
            DomainException e = assertThrows(DomainException.class, () -> f.lifecycle.stop(id, null, -1, BOB));
            assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
            assertEquals("No such container: " + id, e.getMessage());
        });
        assertEquals(List.of(AccessDenied.class), types(events));
        assertEquals("container.stop", ((AccessDenied) events.get(0)).action());
        assertEquals(ContainerStatus.RUNNING, f.status(id));
    }
}
