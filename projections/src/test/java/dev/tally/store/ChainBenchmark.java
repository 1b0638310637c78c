package dev.tally.store;

import dev.tally.domain.Actor;
import dev.tally.domain.audit.ChainVerdict;
import dev.tally.domain.volume.Volume;
import dev.tally.domain.volume.command.CreateVolume;
import dev.tally.projections.VolumeProjection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Rough numbers for the chain, on a fresh H2 file: sequential commands per second (each one event,
 * its read model, one transaction, as tallyd does) with chained appends and with Axon's plain insert,
 * then a bulk-appended log of N events (a third of them about 700 bytes, as a container's creation is)
 * walked by verify. Not a test; run by hand:
 * {@code mvn -q -B -o test-compile -pl projections -am; mvn -q -B -o dependency:build-classpath -pl projections
 * -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp; java -cp
 * projections/target/test-classes:projections/target/classes:domain/target/classes:$(cat projections/target/bench.cp)
 * dev.tally.store.ChainBenchmark [COMMANDS] [EVENTS]}
 */
final class ChainBenchmark {

    record Noted(String text, String actor, long pid) {
    }

    public static void main(String[] args) throws Exception {
        int commands = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        double plain = 0;
        double chained = 0;
        for (int round = 0; round < 8 && commands > 0; round++) {
            // alternate which goes first, so that neither always runs on the warmer (or busier) machine
            double p = round % 2 == 0 ? commandsPerSecond(false, commands) : 0;
            double c = commandsPerSecond(true, commands);
            p = round % 2 == 1 ? commandsPerSecond(false, commands) : p;
            System.out.printf("round %d commands/s: plain insert %.0f, chained append %.0f%n", round + 1, p, c);
            plain = Math.max(plain, p);
            chained = Math.max(chained, c);
        }
        System.out.printf("best of the rounds: plain insert %.0f/s, chained append %.0f/s%n", plain, chained);
        if (events > 0) {
            walk(events);
        }
    }

    private static double commandsPerSecond(boolean chained, int commands) throws Exception {
        Path dir = Files.createTempDirectory("chain-bench");
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("tally") + Store.H2_SETTINGS, "sa", "");
        try {
            JdbcTransactions tx = new JdbcTransactions(pool);
            Serializer serializer = EventStoreFactory.serializer();
            VolumeProjection views = new VolumeProjection(tx);
            views.createSchema();
            JdbcEventStorageEngine engine = chained ? EventStoreFactory.engine(tx, serializer) : plain(tx, serializer);
            Configurer configurer = DefaultConfigurer.defaultConfiguration()
                    .configureTransactionManager(c -> tx).configureSerializer(c -> serializer)
                    .configureEventSerializer(c -> serializer).configureEmbeddedEventStore(c -> engine)
                    .configureAggregate(Volume.class);
            configurer.eventProcessing(ep -> ep.usingSubscribingEventProcessors().registerEventHandler(c -> views));
            Configuration axon = configurer.buildConfiguration();
            axon.start();
            Actor actor = new Actor(0, 0, "root", 1, "bench");
            for (int i = 0; i < commands / 5; i++) {
                axon.commandGateway().sendAndWait(new CreateVolume(UUID.randomUUID().toString(), "warm" + i, Map.of(), actor));
            }
            long start = System.nanoTime();
            for (int i = 0; i < commands; i++) {
                axon.commandGateway().sendAndWait(new CreateVolume(UUID.randomUUID().toString(), "v" + i, Map.of(), actor));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            axon.shutdown();
            if (chained) {
                ChainVerdict v = new JdbcEventChain(pool, Clock.systemUTC()).verify(null);
                if (!v.intact()) {
                    throw new IllegalStateException("broken: " + v);
                }
            }
            return commands / seconds;
        } finally {
            pool.dispose();
            delete(dir);
        }
    }

    private static JdbcEventStorageEngine plain(JdbcTransactions tx, Serializer serializer) {
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder().connectionProvider(tx).transactionManager(tx)
                .eventSerializer(serializer).snapshotSerializer(serializer).build();
        engine.createSchema(H2EventTableFactory.INSTANCE);
        return engine;
    }

    private static void walk(int events) throws Exception {
        Path dir = Files.createTempDirectory("chain-bench");
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("tally")
                + System.getProperty("bench.h2.settings", Store.H2_SETTINGS), "sa", "");
        try {
            JdbcTransactions tx = new JdbcTransactions(pool);
            JdbcEventStorageEngine engine = EventStoreFactory.engine(tx, EventStoreFactory.serializer());
            long start = System.nanoTime();
            for (int done = 0; done < events; done += 1000) {
                List<EventMessage<?>> batch = new ArrayList<>();
                for (int i = done; i < Math.min(events, done + 1000); i++) {
                    batch.add(new GenericDomainEventMessage<>("Container", "c" + (i / 10), i % 10,
                            new Noted("container " + i + " did something worth recording"
                                    + (i % 3 == 0 ? " with a configuration this long: " + "x".repeat(600) : ""), "root", i)));
                }
                Transaction t = tx.startTransaction();
                engine.appendEvents(batch);
                t.commit();
            }
            System.out.printf("bulk chained append: %.0f events/s%n", events / ((System.nanoTime() - start) / 1e9));
            JdbcEventChain chain = new JdbcEventChain(pool, Clock.systemUTC());
            for (int round = 0; round < 2; round++) {
                start = System.nanoTime();
                ChainVerdict v = chain.verify(null);
                System.out.printf("verify %d events: %.1f s (%s)%n", v.checked(), (System.nanoTime() - start) / 1e9,
                        v.intact() ? "intact" : v.problem());
            }
            start = System.nanoTime();
            long rows = 0;
            try (java.sql.Connection c = pool.getConnection(); ChainRows all = ChainRows.from(c, 0)) {
                while (all.next() != null) {
                    rows++;
                }
            }
            System.out.printf("read %d rows without hashing: %.1f s%n", rows, (System.nanoTime() - start) / 1e9);
            try (java.sql.Connection c = pool.getConnection()) {
                for (int i = 0; i < 20000; i++) {
                    ChainedAppends.head(c, ChainSchema.EVENTS);
                }
                start = System.nanoTime();
                for (int i = 0; i < 20000; i++) {
                    ChainedAppends.head(c, ChainSchema.EVENTS);
                }
                System.out.printf("the append's head query: %.1f µs%n", (System.nanoTime() - start) / 1e3 / 20000);
            }
            start = System.nanoTime();
            chain.head();
            System.out.printf("head: %.3f s%n", (System.nanoTime() - start) / 1e9);
        } finally {
            pool.dispose();
            delete(dir);
        }
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
