package dev.tally.projections;

import java.util.Optional;

/**
 * A read-model table as the event handlers see it: values by key. Handlers only get and put, so
 * the same handler code feeds the live tables, a replay and a model as of a past time.
 */
interface Rows<V> {

    Optional<V> get(String key);

    void put(String key, V value);

    /** Removes the value under this key, if any. */
    void remove(String key);

    /**
     * Says that the value under this key will not change any more (a removed container), so that a
     * rebuild may write it out now instead of at the end. A later put still counts.
     */
    default void settle(String key) {
    }
}
