package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.container.command.RecordStdinAttach;
import dev.tally.domain.container.query.ContainerView;
import java.util.concurrent.CompletableFuture;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * A container's console for the edges: its log, its stdio and its terminal's size. Each call is
 * for a container that a use case has just shown to a caller allowed the action (such as
 * {@code VisibleContainers.require(ref, actor, "container.logs")}): the check is that use case's;
 * what this adds is that the edges reach the runtime for these and for nothing else. Only input is
 * recorded ({@link #recordStdin}): reading output and resizing a terminal change nothing the log tells.
 */
public final class ContainerConsole {

    private final ContainerRuntime runtime;
    private final CommandGateway commands;

    public ContainerConsole(ContainerRuntime runtime, CommandGateway commands) {
        this.runtime = runtime;
        this.commands = commands;
    }

    /**
     * Records that the caller attaches with stdin, so that what they type reaches the container's
     * process (as exec's intent is recorded), in any state short of removed (an attach may come
     * before the start); call it before the stream is connected.
     */
    public void recordStdin(ContainerView container, Actor actor) {
        commands.sendAndWait(new RecordStdinAttach(container.id(), actor));
    }

    /** The container's log from its start; the caller closes it. */
    public LogCursor openLog(ContainerView container) {
        return runtime.openLog(container.id());
    }

    /**
     * Its stdio: at once if it runs, else when it next starts, before its process runs (see
     * {@link ContainerRuntime#attach}); the caller closes the stream.
     */
    public CompletableFuture<AttachStream> attach(ContainerView container) {
        return runtime.attach(container.id());
    }

    /** Sets the size of its terminal; ignored for a container without one. */
    public void resize(ContainerView container, int height, int width) {
        runtime.resize(container.id(), height, width);
    }
}
