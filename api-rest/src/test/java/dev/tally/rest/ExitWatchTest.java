package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.WaitCondition;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A wait's watch with the read model at its port: one answer, and no subscription left after it. */
class ExitWatchTest {

    private static final String ID = "c0ffee";

    private final List<ContainerView> answers = new CopyOnWriteArrayList<>();

    /** The read model's port: one container; an update may be announced inside subscribe, as a commit can. */
    private static final class Containers implements ContainerQueries {
        final List<Consumer<ContainerView>> listeners = new CopyOnWriteArrayList<>();
        volatile ContainerView current;
        volatile ContainerView announcedWhileSubscribing;

        void change(ContainerView v) {
            current = v;
            listeners.forEach(l -> l.accept(v));
        }

        @Override
        public Optional<ContainerView> find(String ref) {
            return Optional.ofNullable(current);
        }

        @Override
        public List<ContainerView> list(boolean all) {
            return current == null ? List.of() : List.of(current);
        }

        @Override
        public AutoCloseable subscribe(Consumer<ContainerView> listener) {
            listeners.add(listener);
            if (announcedWhileSubscribing != null) {
                change(announcedWhileSubscribing);
            }
            return () -> listeners.remove(listener);
        }
    }

    private static ContainerView view(String id, ContainerStatus status, int exitCode) {
        return new ContainerView(id, "test", null, "sha256:0", Actor.daemon(), Instant.EPOCH, status, 0, exitCode,
                null, null, "");
    }

    @Test
    void anExitAnnouncedBeforeTheSubscriptionIsHandedBackAnswersOnceAndLeavesNoSubscription() {
        Containers containers = new Containers();
        containers.current = view(ID, ContainerStatus.RUNNING, 0);
        containers.announcedWhileSubscribing = view(ID, ContainerStatus.EXITED, 3);

        new ExitWatch(WaitCondition.NEXT_EXIT, answers::add).start(containers, ID);

        assertEquals(List.of(3), answers.stream().map(ContainerView::exitCode).toList());
        assertTrue(containers.listeners.isEmpty(), "the subscription outlived the wait's answer");
        containers.change(view(ID, ContainerStatus.REMOVED, 3));
        assertEquals(1, answers.size());
    }

    @Test
    void aStatusThatMeetsTheConditionAtTheStartAnswersAndLetsGo() {
        Containers containers = new Containers();
        containers.current = view(ID, ContainerStatus.EXITED, 7);

        new ExitWatch(WaitCondition.NOT_RUNNING, answers::add).start(containers, ID);

        assertEquals(List.of(7), answers.stream().map(ContainerView::exitCode).toList());
        assertTrue(containers.listeners.isEmpty());
    }

    @Test
    void anUpdateAnswersOnlyForItsContainerAndOnlyOnce() {
        Containers containers = new Containers();
        containers.current = view(ID, ContainerStatus.RUNNING, 0);
        new ExitWatch(WaitCondition.NEXT_EXIT, answers::add).start(containers, ID);

        containers.change(view("other", ContainerStatus.EXITED, 1));
        assertTrue(answers.isEmpty());
        assertEquals(1, containers.listeners.size());
        containers.change(view(ID, ContainerStatus.EXITED, 2));
        containers.change(view(ID, ContainerStatus.EXITED, 9));
        assertEquals(List.of(2), answers.stream().map(ContainerView::exitCode).toList());
        assertTrue(containers.listeners.isEmpty());
    }

    @Test
    void aCallerGoneBeforeTheStartLeavesNoSubscriptionAndGetsNoAnswer() {
        Containers containers = new Containers();
        containers.current = view(ID, ContainerStatus.EXITED, 1);
        ExitWatch watch = new ExitWatch(WaitCondition.NOT_RUNNING, answers::add);
        watch.close();

        watch.start(containers, ID);

        assertTrue(answers.isEmpty());
        assertTrue(containers.listeners.isEmpty());
    }
}
