package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The container's process is gone and the host kept no exit code: recorded as an exit whose code is
 * unknown, with why. {@code remove}: it was created with {@code --rm}, so it is removed in the same
 * commit (as {@link RecordExitAndRemove}).
 */
public record RecordExitUnknown(@TargetAggregateIdentifier String containerId, String reason, boolean remove,
                                Actor actor) {
}
