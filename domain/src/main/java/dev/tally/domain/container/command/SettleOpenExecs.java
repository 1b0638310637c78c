package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Every exec the log has started before {@code startedBefore} and never ended is recorded as ended
 * with an unknown code, with why: sent by the start-up reconciler (and its rechecks) with the moment
 * this daemon began, so that the execs a dead daemon left are settled and none this daemon follows
 * is. Returns how many were settled.
 */
public record SettleOpenExecs(@TargetAggregateIdentifier String containerId, String reason, Instant startedBefore,
                              Actor actor) {
}
