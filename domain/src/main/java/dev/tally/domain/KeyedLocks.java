package dev.tally.domain;

import java.util.function.Supplier;

/**
 * Port: runs the steps for one key (a container's id, a volume's name) one at a time, while steps
 * for other keys go on. The use cases say which steps belong together; the implementation, outside
 * the domain, holds the locks (and keeps nothing for a key once no steps for it run or wait).
 */
public interface KeyedLocks {

    /**
     * Runs {@code steps} while no other steps for the same key run; returns what they return.
     * Reentrant: steps may call {@code exclusively} again for the same key.
     */
    <T> T exclusively(String key, Supplier<T> steps);
}
