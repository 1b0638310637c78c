package dev.tally.ops;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.ExitWaits;
import dev.tally.domain.container.query.ContainerQueries;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for an exit by watching the containers' read model, which changes as each event is committed. */
final class ReadModelExitWaits implements ExitWaits {

    private final ContainerQueries containers;

    ReadModelExitWaits(ContainerQueries containers) {
        this.containers = containers;
    }

    @Override
    public boolean awaitExit(String containerId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (AutoCloseable sub = containers.subscribe(v -> {
            if (v.id().equals(containerId) && v.status() != ContainerStatus.RUNNING) {
                done.complete(null);
            }
        })) {
            if (containers.find(containerId).map(v -> v.status() != ContainerStatus.RUNNING).orElse(true)) {
                return true;
            }
            done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            throw new DomainException(DomainException.Kind.FAILED, "waiting for container " + containerId + " to exit", e);
        }
    }
}
