package dev.tally.rest;

import dev.tally.domain.container.WaitCondition;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A wait's watch on one container: it answers once, with the first status of the container that meets
 * the condition (from the read model's updates, and at the start when the condition counts the status
 * then), and lets go of its subscription as soon as it answered or was closed, whichever comes first.
 * That holds also when an update answers inside the subscription, before the subscription is handed
 * back, and when the caller is gone before the watch starts: no subscription outlives its wait.
 */
final class ExitWatch implements AutoCloseable {

    private static final AutoCloseable RELEASED = () -> { };

    private final WaitCondition condition;
    private final Consumer<ContainerView> answer;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicReference<AutoCloseable> subscription = new AtomicReference<>();

    ExitWatch(WaitCondition condition, Consumer<ContainerView> answer) {
        this.condition = condition;
        this.answer = answer;
    }

    /** Subscribes to the container's updates, then looks at its status now if the condition counts it. */
    void start(ContainerQueries queries, String id) {
        AutoCloseable s = queries.subscribe(v -> {
            if (v.id().equals(id)) {
                check(v);
            }
        });
        if (!subscription.compareAndSet(null, s)) {
            closeQuietly(s); // answered or closed meanwhile
            return;
        }
        if (condition.countsTheStatusAtTheStart()) {
            queries.find(id).ifPresent(this::check);
        }
    }

    private void check(ContainerView v) {
        if (condition.isMetBy(v.status()) && answered.compareAndSet(false, true)) {
            close();
            answer.accept(v);
        }
    }

    /** Lets go of the subscription (now, or as soon as it is handed back); answers nothing from then on. */
    @Override
    public void close() {
        answered.set(true);
        AutoCloseable s = subscription.getAndSet(RELEASED);
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // a listener set: nothing can fail here
        }
    }
}
