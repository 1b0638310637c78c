package dev.tally.domain.container;

/**
 * The use cases on containers that the edges call, in one argument: who sees which container, create,
 * the lifecycle (start, stop, kill, restart, rm), exec, the operations (pause, unpause, rename, top)
 * and the files (archive in and out, diff, export).
 */
public record ContainerUseCases(VisibleContainers visible, ContainerCreation creation, ContainerLifecycle lifecycle,
                                ContainerExecs execs, ContainerOperations operations, ContainerArchives archives) {
}
