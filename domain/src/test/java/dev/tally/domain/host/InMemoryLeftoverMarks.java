package dev.tally.domain.host;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link LeftoverMarks} in memory, for tests: what survives a "crash" is what the test keeps. */
public final class InMemoryLeftoverMarks implements LeftoverMarks {

    private final Map<String, String> marks = new HashMap<>();

    @Override
    public synchronized Optional<String> read(String kind, String id) {
        return Optional.ofNullable(marks.get(kind + "/" + id));
    }

    @Override
    public synchronized void write(String kind, String id, String eventId) {
        marks.put(kind + "/" + id, eventId);
    }

    @Override
    public synchronized void delete(String kind, String id) {
        marks.remove(kind + "/" + id);
    }

    @Override
    public synchronized Set<String> marked(String kind) {
        return marks.keySet().stream().filter(k -> k.startsWith(kind + "/")).map(k -> k.substring(kind.length() + 1))
                .collect(Collectors.toSet());
    }
}
