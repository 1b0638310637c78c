package dev.tally.domain.container;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Pause, resume and top as a host would answer them, remembered per container. */
final class FakeContainerProcesses implements ContainerProcesses {

    final Set<String> frozen = ConcurrentHashMap.newKeySet();

    @Override
    public void pause(String id) {
        frozen.add(id);
    }

    @Override
    public void resume(String id) {
        frozen.remove(id);
    }

    @Override
    public ProcessTable top(String id, List<String> psArgs) {
        return new ProcessTable(List.of("PID", "CMD"), List.of(List.of("42", "sleep 60")));
    }
}
