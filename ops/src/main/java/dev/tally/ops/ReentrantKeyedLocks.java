package dev.tally.ops;

import dev.tally.domain.KeyedLocks;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** One reentrant lock per key, kept while some thread holds or waits for it. */
final class ReentrantKeyedLocks implements KeyedLocks {

    /** A key's lock and how many threads hold or wait for it; guarded by {@code this}. */
    private static final class Held {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final Map<String, Held> locks = new HashMap<>();

    @Override
    public <T> T exclusively(String key, Supplier<T> steps) {
        Held held;
        synchronized (this) {
            held = locks.computeIfAbsent(key, k -> new Held());
            held.users++;
        }
        held.lock.lock();
        try {
            return steps.get();
        } finally {
            held.lock.unlock();
            synchronized (this) {
                if (--held.users == 0) {
                    locks.remove(key);
                }
            }
        }
    }

    /** Keys nobody holds or waits for: none is kept. */
    synchronized int kept() {
        return locks.size();
    }
}
