package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The host holds the running container frozen ({@code paused}) or thawed, whatever the log says:
 * recorded, with why, when it differs from the log. Returns whether anything was recorded.
 */
public record RecordPauseFound(@TargetAggregateIdentifier String containerId, boolean paused, String reason,
                               Actor actor) {
}
