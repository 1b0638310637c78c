package dev.tally.projections;

import dev.tally.domain.DomainException;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Holds the live writers of the read models off while a replay rebuilds them. A unit of work that
 * touches a read model enters once and stays in until it is committed or rolled back, so a replay
 * (which takes the gate exclusively) sees every event that was committed before it, and no event is
 * committed while it runs. Queries pass through briefly, so that none sees a table being swapped.
 */
public final class LiveGate {

    private static final String ENTERED = LiveGate.class.getName() + ".entered";

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Enters for the current unit of work (once), leaving at its clean-up; outside one, does nothing. */
    void enterUnitOfWork() {
        if (!CurrentUnitOfWork.isStarted()) {
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        if (root.resources().putIfAbsent(ENTERED, Boolean.TRUE) == null) {
            lock.readLock().lock();
            root.onCleanup(u -> lock.readLock().unlock());
        }
    }

    /** A read of the live tables. */
    <T> T reading(Supplier<T> read) {
        lock.readLock().lock();
        try {
            return read.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs work with every live writer and reader held off. */
    <T> T exclusively(Callable<T> work) {
        lock.writeLock().lock();
        try {
            return work.call();
        } catch (DomainException e) {
            throw e;
        } catch (Exception e) {
            throw new DomainException(DomainException.Kind.FAILED, "rebuild the read models: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
