package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.container.query.ContainerView;
import java.util.Optional;

/**
 * {@code docker stats}: what a container the caller may see uses, sampled from its cgroup. Reading
 * records nothing (as inspect); a caller who may not see the container is told it does not exist,
 * and that is recorded ({@link VisibleContainers#require}).
 */
public class ContainerStats {

    private final VisibleContainers visible;
    private final ContainerResources resources;

    public ContainerStats(VisibleContainers visible, ContainerResources resources) {
        this.visible = visible;
        this.resources = resources;
    }

    /** The container whose stats the actor asks for; NOT_FOUND as {@link VisibleContainers#require}. */
    public ContainerView require(String ref, Actor actor) {
        return visible.require(ref, actor, "container.stats");
    }

    /**
     * One sample of the container as it is now, by its id (the caller was checked by {@link #require}):
     * empty when it is gone from the log or does not run.
     */
    public Optional<Sample> sample(String id) {
        Optional<ContainerView> now = visible.find(id);
        if (now.isEmpty()) {
            return Optional.empty();
        }
        Optional<ResourceUsage> usage = now.get().status() == ContainerStatus.RUNNING ? resources.usage(id) : Optional.empty();
        return Optional.of(new Sample(now.get(), usage));
    }

    /** Bytes the container wrote in its own layer ({@code SizeRw}). */
    public long writableBytes(ContainerView c) {
        return resources.writableBytes(c.id());
    }

    /** A container as the log has it now, and what it uses if it runs. */
    public record Sample(ContainerView container, Optional<ResourceUsage> usage) {
    }
}
