package dev.tally.domain.container;

import java.util.concurrent.CompletableFuture;

/** An exec that was started: its process, and its exit code once recorded in the log. */
public record RunningExec(ExecProcess process, CompletableFuture<Integer> exit) {
}
