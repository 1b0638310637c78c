package dev.tally.domain.container;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Pause, resume and top as a host would answer them, remembered per container. */
final class FakeContainerProcesses implements ContainerProcesses {

    final Set<String> frozen = ConcurrentHashMap.newKeySet();
    final Set<String> marked = ConcurrentHashMap.newKeySet();

    @Override
    public void pause(String id) {
        frozen.add(id);
    }

    @Override
    public void resume(String id) {
        frozen.remove(id);
        marked.remove(id);
    }

    @Override
    public void pauseForTheDaemon(String id) {
        marked.add(id);
        pause(id);
    }

    @Override
    public Set<String> pausedByTheDaemon() {
        return Set.copyOf(marked);
    }

    @Override
    public ProcessTable top(String id, List<String> psArgs) {
        return new ProcessTable(List.of("PID", "CMD"), List.of(List.of("42", "sleep 60")));
    }
}
