package dev.tally.domain.container.command;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ExecSpec;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Someone opens a process inside a running container: what runs, and who asked. */
public record RecordExec(@TargetAggregateIdentifier String containerId, String execId, ExecSpec spec, Actor actor) {
}
