package dev.tally.domain.container;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Resources a test sets: the limits each update handed over (or a refusal), the bytes each container wrote. */
final class FakeContainerResources implements ContainerResources {

    final List<String> updated = new ArrayList<>();
    final Map<String, ContainerConfig.Limits> limits = new HashMap<>();
    final Map<String, Long> written = new HashMap<>();
    /** When set, the host refuses every update with it. */
    DomainException refusal;

    @Override
    public Optional<ResourceUsage> usage(String id) {
        return Optional.empty();
    }

    @Override
    public void update(String id, ContainerConfig.Limits newLimits) {
        if (refusal != null) {
            throw refusal;
        }
        updated.add(id);
        limits.put(id, newLimits);
    }

    @Override
    public Optional<ContainerConfig.Limits> differingLimits(String id, ContainerConfig.Limits logged) {
        ContainerConfig.Limits held = limits.get(id);
        return held == null || held.equals(logged) ? Optional.empty() : Optional.of(held);
    }

    @Override
    public long writableBytes(String id) {
        return written.getOrDefault(id, 0L);
    }
}
