package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStopRequested;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
import dev.tally.projections.ReadModels;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;

/**
 * The daemon's mixed load as events: container sessions of several users (create, start, exec, stop,
 * exit, rm), a refusal and a volume created and removed, appended one event per transaction the way a
 * request appends them: the event as a link of the chain, its read-model rows and its audit entry.
 */
final class MixedSessions {
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin"};
    private final Random random;
    private final List<EventMessage<?>> pending = new ArrayList<>();
    private final Store store;
    private final List<AnnotationEventHandlerAdapter> handlers;
    private Instant clock = Instant.parse("2026-12-04T00:00:00Z");
    private int count;

    /** Appends to this store and its read models (made when missing); {@code seed} picks the ids. */
    MixedSessions(Store store, long seed) {
        this.store = store;
        this.random = new Random(seed);
        ReadModels models = new ReadModels(store, "jdbc:h2:mem:");
        models.createMissingTables();
        this.handlers = models.eventHandlers().stream().map(AnnotationEventHandlerAdapter::new).toList();
    }

    /**
     * A store of {@code events} appends (seed 7) closed with the dead chunks of the appends still listed in its
     * layout: its URL sets a retention time of a minute, and H2 frees no chunk that died more recently. Its URL.
     */
    static String closedWithDeadChunksListed(Path dir, int events) {
        String url = "jdbc:h2:file:" + dir.resolve("tally") + Store.H2_SETTINGS.replace(
                "RETENTION_TIME=" + StoreUpkeep.RETENTION_MS, "RETENTION_TIME=60000");
        assertTrue(url.contains("RETENTION_TIME=60000"), url);
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off())) {
            MixedSessions load = new MixedSessions(store, 7);
            for (int n = 0; n < events; n++) {
                load.appendOne();
            }
        }
        return url;
    }

    /** Opens the store of this URL as tallyd does (the upkeep off), counts its events, closes it. */
    static int eventsIn(String url) throws SQLException {
        try (Store store = Store.open(url, StoreUpkeep.Settings.DEFAULT.off());
             Connection c = store.connections().getConnection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM DomainEventEntry")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** Appends the next event in a transaction of its own, with its read-model rows, and commits; its identifier. */
    String appendOne() {
        if (pending.isEmpty()) {
            session();
        }
        EventMessage<?> event = pending.remove(0);
        Transaction t = store.transactions().startTransaction();
        try {
            store.engine().appendEvents(event);
            for (AnnotationEventHandlerAdapter h : handlers) {
                if (h.canHandle(event)) {
                    h.handle(event);
                }
            }
        } catch (Exception e) {
            t.rollback();
            throw new IllegalStateException("append " + event.getPayloadType().getSimpleName(), e);
        }
        t.commit();
        return event.getIdentifier();
    }

    private void session() {
        count++;
        int u = random.nextInt(USERS.length);
        long pid = 1000 + random.nextInt(30000);
        Actor actor = new Actor(1000 + u, 1000 + u, USERS[u], pid, "unix:pid=" + pid,
                List.of(USERS[u], "tally"), 1000 + u, "tally-cli");
        Actor daemon = new Actor(0, 0, "tallyd", 1, "daemon", List.of("root"), null, "tallyd");
        String id = hex();
        String name = USERS[u] + "_" + hex().substring(0, 8);
        String exec = hex();
        ContainerConfig config = new ContainerConfig("busybox", List.of(), List.of("sleep", "300"), List.of(),
                "", "", "", Map.of(), false, false, List.of(), null, "none", false, null);
        Object[] session = {
            new ContainerCreated(id, name, config, "sha256:" + hex(), actor, tick()),
            new ContainerStartRequested(id, name, actor, tick()),
            new ContainerStarted(id, 4242, actor, tick()),
            new ContainerExecStarted(id, exec, new ExecSpec(List.of("sh", "-c", "id"), true, "", "", List.of()),
                    actor, tick()),
            new ContainerExecExited(id, exec, 0, daemon, tick()),
            new ContainerStopRequested(id, "TERM", 10, actor, tick()),
            new ContainerExited(id, 143, daemon, tick()),
            new ContainerRemoved(id, name, actor, tick()),
        };
        for (int i = 0; i < session.length; i++) {
            pending.add(new GenericDomainEventMessage<>("Container", id, i, session[i]));
        }
        pending.add(GenericEventMessage.asEventMessage(new AccessDenied(actor, "container.delete",
                "container/root_" + count, "not the owner", tick())));
        String volume = hex();
        pending.add(new GenericDomainEventMessage<>("Volume", volume, 0,
                new VolumeCreated(volume, "v" + volume.substring(0, 12), Map.of(), actor, tick())));
        pending.add(new GenericDomainEventMessage<>("Volume", volume, 1,
                new VolumeRemoved(volume, "v" + volume.substring(0, 12), actor, tick())));
    }

    private Instant tick() {
        return clock = clock.plusMillis(7);
    }

    private String hex() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
