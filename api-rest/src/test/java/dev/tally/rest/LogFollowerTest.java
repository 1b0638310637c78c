package dev.tally.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.LogCursor;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The follower on a real Vert.x, with the read model and the log at their ports. */
class LogFollowerTest {

    private static final String ID = "c0ffee";
    private static final Instant FIRST_END = Instant.parse("2026-11-23T10:00:00Z");

    private final Vertx vertx = Vertx.vertx();
    private final Containers containers = new Containers();
    private final Log log = new Log();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Whether the client's write queue is full; and how often the follower asked. */
    private final AtomicBoolean full = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger askedFull = new java.util.concurrent.atomic.AtomicInteger();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /** The read model's port: one container, changed by the test. */
    private static final class Containers implements ContainerQueries {
        volatile ContainerView current;
        final List<Consumer<ContainerView>> listeners = new CopyOnWriteArrayList<>();

        void change(ContainerView v) {
            current = v.status() == ContainerStatus.REMOVED ? null : v;
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
            return () -> listeners.remove(listener);
        }
    }

    /** The log's port: lines written by the test, handed out one per read. */
    private static final class Log implements LogCursor {
        final ConcurrentLinkedDeque<Line> lines = new ConcurrentLinkedDeque<>();
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

        void write(String text) {
            lines.addLast(new Line(1, Instant.EPOCH, text.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public List<Line> next() {
            reads.incrementAndGet();
            Line line = lines.pollFirst();
            return line == null ? List.of() : List.of(line);
        }

        @Override
        public void close() {
        }
    }

    private static ContainerView view(ContainerStatus status, Instant finishedAt) {
        return new ContainerView(ID, "test", null, "sha256:0", Actor.daemon(), Instant.EPOCH, status, 0, 0,
                null, finishedAt, "");
    }

    private void attach(ContainerView seen) {
        LogFollower follower = new LogFollower(vertx, containers, ID, log, line -> true,
                lines -> lines.forEach(line -> sent.add(new String(line.bytes(), StandardCharsets.UTF_8))),
                () -> {
                    askedFull.incrementAndGet();
                    return full.get();
                }, () -> ended.set(true));
        vertx.runOnContext(x -> follower.start(seen, true));
    }

    /** docker run --rm: the container ran, exited and was removed before the attach subscribed. */
    @Test
    void anEndThatCameBeforeTheSubscriptionStillEndsTheAttachWithItsOutput() {
        ContainerView created = view(ContainerStatus.CREATED, null);
        log.write("hi\n");
        containers.current = null; // removed already
        attach(created);
        await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
        assertEquals(List.of("hi\n"), sent);
    }

    /** docker start -a of an exited container: its old end is not the end of this run. */
    @Test
    void startAttachOfAnExitedContainerWaitsForItsNextEnd() {
        ContainerView exited = view(ContainerStatus.EXITED, FIRST_END);
        containers.current = exited;
        attach(exited);
        containers.change(exited.with(ContainerStatus.RUNNING, 1, 0, Instant.now(), FIRST_END, ""));
        log.write("second run\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.contains("second run\n"));
        assertFalse(ended.get());
        containers.change(exited.with(ContainerStatus.EXITED, 0, 0, Instant.now(), Instant.now(), ""));
        await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
    }

    /** Everything the log holds when the end is reported goes out, in order, before the end. */
    @Test
    void everyLineBeforeTheEndIsSentInOrder() {
        ContainerView created = view(ContainerStatus.CREATED, null);
        containers.current = created;
        attach(created);
        containers.change(created.with(ContainerStatus.RUNNING, 1, 0, Instant.now(), null, ""));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            log.write(i + "\n");
            expected.add(i + "\n");
        }
        containers.change(created.with(ContainerStatus.EXITED, 0, 0, Instant.now(), Instant.now(), ""));
        containers.change(created.with(ContainerStatus.REMOVED, 0, 0, Instant.now(), Instant.now(), ""));
        await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
        assertEquals(expected, sent);
    }

    /**
     * A client that has not taken what was sent gets nothing more read for it, while the container
     * runs and after its end (a client that reads nothing would otherwise hold the whole log in the
     * daemon); once it takes, everything comes, in order, then the end.
     */
    @Test
    void nothingIsReadForAClientThatHasNotTakenWhatWasSent() {
        ContainerView running = view(ContainerStatus.RUNNING, null);
        containers.current = running;
        full.set(true);
        for (int i = 0; i < 5; i++) {
            log.write(i + "\n");
        }
        attach(running);
        await().atMost(Duration.ofSeconds(10)).until(() -> askedFull.get() >= 5);
        assertEquals(0, log.reads.get(), "read while the client's queue was full");
        containers.change(running.with(ContainerStatus.EXITED, 0, 0, Instant.now(), Instant.now(), ""));
        int afterTheEnd = askedFull.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> askedFull.get() >= afterTheEnd + 5);
        // only the end's own first read, which opens the log before an auto-remove can delete it
        assertEquals(1, log.reads.get(), "read after the end while the client's queue was full");
        assertEquals(List.of(), sent);
        assertFalse(ended.get());
        full.set(false);
        await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
        assertEquals(List.of("0\n", "1\n", "2\n", "3\n", "4\n"), sent);
    }
}
