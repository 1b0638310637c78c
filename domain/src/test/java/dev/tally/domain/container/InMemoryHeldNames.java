package dev.tally.domain.container;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The held names in memory, for tests: a daemon stores them beside the events. */
final class InMemoryHeldNames implements HeldNames {

    private final Map<String, String> held = new ConcurrentHashMap<>();

    @Override
    public Optional<String> holder(String name) {
        return Optional.ofNullable(held.get(name));
    }

    @Override
    public void hold(String name, String containerId) {
        held.put(name, containerId);
    }

    @Override
    public void free(String name, String containerId) {
        held.remove(name, containerId);
    }
}
