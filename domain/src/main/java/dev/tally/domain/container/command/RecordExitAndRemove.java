package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The process of a container made to be removed on exit ({@code run --rm}) ended: its exit and its
 * removal are recorded together, in one commit, so that whoever waits for the removal hears of it
 * one store round trip sooner. The same two events as a {@link RecordExit} and a {@link RemoveContainer};
 * {@code pid} as in {@link RecordExit}.
 */
public record RecordExitAndRemove(@TargetAggregateIdentifier String containerId, int exitCode,
                                  java.time.Instant finishedAt, long pid, Actor actor) {
}
