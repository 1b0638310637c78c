package dev.tally.domain.history;

import java.time.Instant;
import java.util.function.Function;

/** The host as the log says it was, and the read models rebuilt from the log. */
public interface HostHistory {

    /**
     * Answers a question about the host as it was at {@code at}: the same projections, fed with the
     * events stored up to that time only. Containers removed since are there, as they were then.
     */
    <T> T at(Instant at, Function<PastHost, T> question);

    /**
     * Drops every read model and rebuilds it from the log; commands wait meanwhile. The old models
     * stay in place if the rebuild fails.
     */
    ReplayReport replay();

    /** What a replay did. */
    record ReplayReport(long events, double seconds, double eventsPerSecond) {
    }
}
