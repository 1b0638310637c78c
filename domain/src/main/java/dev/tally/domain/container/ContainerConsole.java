package dev.tally.domain.container;

import dev.tally.domain.container.query.ContainerView;
import java.util.concurrent.CompletableFuture;

/**
 * A container's console for the edges: its log, its stdio and its terminal's size. Each call is
 * for a container that a use case has just shown to a caller allowed the action (such as
 * {@code VisibleContainers.require(ref, actor, "container.logs")}): the check is that use case's;
 * what this adds is that the edges reach the runtime for these and for nothing else. Nothing here
 * is recorded: reading output and resizing a terminal change nothing the log tells.
 */
public final class ContainerConsole {

    private final ContainerRuntime runtime;

    public ContainerConsole(ContainerRuntime runtime) {
        this.runtime = runtime;
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
