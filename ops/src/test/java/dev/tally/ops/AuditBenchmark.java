package dev.tally.ops;

import dev.tally.domain.Actor;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.audit.query.AuditFilter;
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
import dev.tally.domain.history.HostHistory;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.projections.ReadModels;
import dev.tally.store.Store;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.common.jdbc.ConnectionProvider;

/**
 * Not a test: fills a temporary H2 store with realistic events (container sessions of several users,
 * each create, start, exec, stop, exit, remove; some refusals), appended through the event store in
 * batches, then times a replay of every read model and {@code audit log --user} queries, and prints
 * the figures. Run by ops/bench/audit-bench.sh. Arguments: the number of events (default 1,000,000),
 * and a directory to keep the store in for the next run. The store's URL is the daemon's default, plus
 * the system property {@code tally.bench.urlOptions} if set. Other properties: {@code
 * tally.bench.replays} (replays in a row, default 2), {@code tally.bench.skipReadOnly} (no timing of
 * the bare read of the log) and {@code tally.bench.replayOnly} (no queries).
 */
public final class AuditBenchmark {

    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};
    /** A container created half way through the log, for a query by container. */
    private static String middleContainer = "";

    private AuditBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        boolean keep = args.length > 1;
        Path dir = keep ? Files.createDirectories(Path.of(args[1])) : Files.createTempDirectory("tally-audit-bench");
        boolean filledBefore = Files.exists(dir.resolve("events/tally.mv.db"));
        Files.createDirectories(dir.resolve("events"));
        String url = DaemonOptions.parse(new String[] {"--data-root", dir.toString()}).store()
                + System.getProperty("tally.bench.urlOptions", "");
        // As tallyd does at start: a store written fast is mostly free space until compacted.
        Store store = Store.open(url);
        try {
            long filled = filledBefore ? target : fill(store, target);
            if (!filledBefore) {
                store.close();
                store = Store.open(url);
            }
            if (middleContainer.isEmpty()) {
                middleContainer = System.getProperty("tally.bench.container", "alice_1");
            }
            if (!Boolean.getBoolean("tally.bench.skipReadOnly")) {
                readOnly(store.connections(), null);
                readOnly(store.connections(), store.serializer());
            }

            ReadModels models = new ReadModels(store, "jdbc:h2:mem:");
            models.createMissingTables();
            // The first replay in a JVM also pays for compiling its code (C2, on the same two cores);
            // a daemon pays that once, at its first replay.
            for (int run = 0; run < Integer.getInteger("tally.bench.replays", 2); run++) {
                long cpu = cpuNanos();
                long gc = gcMillis();
                long compiler = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                long written = writtenBytes(store.connections());
                HostHistory.ReplayReport report = models.replay();
                System.out.printf(Locale.ROOT, "replay %d%s: %d events in %.1f s = %.0f events/s (CPU %.2f s, of which "
                        + "collector %.2f s and compiler %.2f s; %.0f MB written)%n", run + 1,
                        run == 0 ? " (code not compiled yet)" : "", report.events(), report.seconds(), report.eventsPerSecond(),
                        (cpuNanos() - cpu) / 1e9, (gcMillis() - gc) / 1e3,
                        (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compiler) / 1e3,
                        (writtenBytes(store.connections()) - written) / 1e6);
            }

            if (Boolean.getBoolean("tally.bench.replayOnly")) {
                return;
            }
            Instant end = Instant.parse("2026-01-01T00:00:00Z").plusMillis(3 * filled);
            query(models, "alice --limit 100 (a first screen)", filter("alice", null, null, 100));
            query(models, "alice --since 5m (of the log's end)", filter("alice", null, end.minusSeconds(300), 0));
            query(models, "mallory (refusals only)", filter("mallory", null, null, 0));
            query(models, "--container " + middleContainer + " (no user)", filter(null, middleContainer, null, 0));
            query(models, "--denied (no user)", new AuditFilter(null, null, null, null, true, null, null, 0, 0, null));
            query(models, "alice, all of it (1 in 7 events)", filter("alice", null, null, 0));
            query(models, "export --from " + filled / 2 + " (the second half of the log)", AuditFilter.from(filled / 2, null));
            System.out.printf(Locale.ROOT, "store: %d MB for %d events%n", size(dir) / 1_000_000, filled);
        } finally {
            store.close();
            if (!keep) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * The CPU time of the whole process so far (every thread: the replay's, its reader's, the upkeep's, the
     * collector's and the compiler's): on a shared host a replay's wall time follows the other work, its CPU
     * time much less.
     */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The time the collectors have taken so far (their pauses: the serial collector stops the program). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** What H2 has written to the store's file since it opened it (its chunks, compressed as they are). */
    private static long writtenBytes(ConnectionProvider connections) throws java.sql.SQLException {
        try (java.sql.Connection c = connections.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'");
             java.sql.ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
        }
    }

    /** Reading and deserializing the log alone, as a replay does, to tell the read from the writes. */
    private static void readOnly(ConnectionProvider connections, Serializer serializer) throws java.sql.SQLException {
        long t0 = System.nanoTime();
        long n = 0;
        long blobBytes = 0;
        try (java.sql.Connection c = connections.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT globalIndex, payloadType, payloadRevision, payload "
                     + "FROM DomainEventEntry WHERE globalIndex > ? ORDER BY globalIndex LIMIT 5000")) {
            long last = -1;
            int inPage;
            do {
                ps.setLong(1, last);
                inPage = 0;
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inPage++;
                        last = rs.getLong(1);
                        byte[] payload = rs.getBytes(4);
                        blobBytes += payload.length;
                        if (serializer != null) serializer.deserialize(new org.axonframework.serialization.SimpleSerializedObject<>(payload,
                                byte[].class, rs.getString(2), rs.getString(3)));
                        n++;
                    }
                }
            } while (inPage == 5000);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, serializer == null ? "read only:" : "read + deserialize only:");
        System.out.printf(Locale.ROOT, " %d events (%d bytes of payload each) in %.1f s = %.0f events/s%n",
                n, blobBytes / Math.max(n, 1), s, n / s);
    }

    private static AuditFilter filter(String user, String container, Instant since, int limit) {
        return new AuditFilter(user, container, null, null, false, since, null, 0, limit, null);
    }

    private static void query(ReadModels models, String what, AuditFilter filter) {
        for (int run = 0; run < (filter.limit() == 0 && filter.since() == null ? 1 : 3); run++) {
            AtomicLong lines = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            long t0 = System.nanoTime();
            models.audit().log(filter, line -> {
                lines.incrementAndGet();
                bytes.addAndGet(line.length() + 1);
            });
            System.out.printf(Locale.ROOT, "audit log %s: %d records (%d kB) in %.0f ms (run %d)%n", what,
                    lines.get(), bytes.get() / 1000, (System.nanoTime() - t0) / 1e6, run + 1);
        }
    }

    /** Appends about {@code target} events of container sessions; returns how many. */
    static long fill(Store store, long target) {
        Random random = new Random(42);
        Instant clock = Instant.parse("2026-01-01T00:00:00Z");
        List<EventMessage<?>> batch = new ArrayList<>();
        long count = 0;
        long t0 = System.nanoTime();
        Actor root = new Actor(0, 0, "root", 100, "unix:pid=100", List.of("root"), 0, "tally-cli");
        batch.add(domain("Image", "sha256:" + hex(random), 0, new ImageImported("sha256:" + hex(random),
                "busybox:latest", List.of("sha256:" + hex(random)), 2_130_000, root, clock)));
        count++;
        while (count < target) {
            int u = random.nextInt(USERS.length);
            long pid = 1000 + random.nextInt(30000);
            Actor actor = new Actor(1000 + u, 1000 + u, USERS[u], pid, "unix:pid=" + pid, List.of(USERS[u], "tally"),
                    1000 + u, "tally-cli");
            String id = hex(random);
            String name = USERS[u] + "_" + count;
            if (middleContainer.isEmpty() && count >= target / 2) {
                middleContainer = name;
            }
            ContainerConfig config = new ContainerConfig("busybox", List.of(), List.of("sleep", "300"), List.of(), "", "",
                    "", Map.of(), false, false, List.of(), null, "none", false, null);
            Actor daemon = new Actor(0, 0, "tallyd", 1, "daemon", List.of("root"), null, "tallyd");
            String exec = hex(random);
            Object[] session = {
                new ContainerCreated(id, name, config, "sha256:abc", actor, clock = clock.plusMillis(3)),
                new ContainerStartRequested(id, name, actor, clock = clock.plusMillis(3)),
                new ContainerStarted(id, 4242, actor, clock = clock.plusMillis(3)),
                new ContainerExecStarted(id, exec, new ExecSpec(List.of("sh", "-c", "id"), true, "", "", List.of()), actor,
                        clock = clock.plusMillis(3)),
                new ContainerExecExited(id, exec, 0, daemon, clock = clock.plusMillis(3)),
                new ContainerStopRequested(id, "TERM", 10, actor, clock = clock.plusMillis(3)),
                new ContainerExited(id, 143, daemon, clock = clock.plusMillis(3)),
                new ContainerRemoved(id, name, actor, clock = clock.plusMillis(3)),
            };
            for (int i = 0; i < session.length && count < target; i++) {
                batch.add(domain("Container", id, i, session[i]));
                count++;
            }
            if (random.nextInt(100) == 0 && count < target) {
                Actor mallory = new Actor(2000, 2000, "mallory", pid, "unix:pid=" + pid, List.of("mallory"), 2000, "curl/8");
                batch.add(GenericEventMessage.asEventMessage(new AccessDenied(mallory, "container.stop",
                        "container/" + name, "not the owner", clock = clock.plusMillis(1))));
                count++;
            }
            if (batch.size() >= 1000) {
                append(store, batch);
                if (count / 100_000 != (count - 1000) / 100_000) {
                    System.out.printf(Locale.ROOT, "filled %d events (%.0f events/s)%n", count,
                            count / ((System.nanoTime() - t0) / 1e9));
                }
            }
        }
        append(store, batch);
        System.out.printf(Locale.ROOT, "filled %d events in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
        return count;
    }

    private static EventMessage<?> domain(String type, String id, long seq, Object payload) {
        return new GenericDomainEventMessage<>(type, id, seq, payload);
    }

    private static void append(Store store, List<EventMessage<?>> batch) {
        Transaction t = store.transactions().startTransaction();
        store.engine().appendEvents(batch);
        t.commit();
        batch.clear();
    }

    private static String hex(Random random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static long size(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
