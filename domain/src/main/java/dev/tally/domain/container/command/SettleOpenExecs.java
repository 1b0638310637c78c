package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Every exec the log has started and never ended is recorded as ended with an unknown code, with
 * why: sent at start-up, when no daemon follows any exec any more. Returns how many were settled.
 */
public record SettleOpenExecs(@TargetAggregateIdentifier String containerId, String reason, Actor actor) {
}
