package dev.tally.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;

/**
 * The store's size on disk with the daemon's settings and its upkeep, without the daemon: the mixed
 * load of {@link MixedSessions} (a container's life, a refusal, a volume), one event per commit with its
 * read-model rows, as fast as one writer goes (faster than tallyd's requests: the retention time's
 * working space is larger here), and every CHECK events the file live, a copy of it compacted, their
 * ratio and the appends per second. {@code ops/bench/store-size.sh} measures the same through a real
 * tallyd, at the pace of its requests. Not a test; run by hand:
 * {@code mvn -q -B -o test-compile dependency:build-classpath -pl projections -am -Dmdep.outputFile=target/test.cp;
 * java -cp projections/target/test-classes:projections/target/classes:domain/target/classes:$(cat
 * projections/target/test.cp) dev.tally.store.StoreSizeBenchmark [EVENTS=100000] [CHECK=10000]}
 * ({@code -Dtally.store.upkeep=false} for the file without the upkeep; {@code -Dbench.rate=N} appends N events per
 * second at most, as a daemon's requests come; {@code -Dbench.retentionMs} sets H2's retention time).
 */
final class StoreSizeBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int check = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = Files.createTempDirectory("tally-store-size");
        Path file = dir.resolve("tally.mv.db");
        System.out.printf("%8s %12s %9s %12s %9s %6s %5s %12s %8s%n", "events", "live_bytes", "B/event", "compacted", "B/event",
                "ratio", "peak", "uncompressed", "events/s");
        int rate = Integer.getInteger("bench.rate", 0);
        String url = Store.h2File(dir.resolve("tally")).replace("RETENTION_TIME=" + StoreUpkeep.RETENTION_MS,
                "RETENTION_TIME=" + Integer.getInteger("bench.retentionMs", StoreUpkeep.RETENTION_MS))
                + System.getProperty("bench.settings", "");
        int prefill = Integer.getInteger("bench.prefill", 0);
        Path saved = Path.of(System.getProperty("bench.prefillFile", dir.resolve("prefill.mv.db").toString()));
        if (prefill > 0 && Files.isRegularFile(saved)) {
            Files.copy(saved, file);
        } else if (prefill > 0) {
            // a log of PREFILL events written unpaced, then compacted, as a daemon restarted on a large store finds it
            try (Store store = Store.open(url)) {
                MixedSessions load = new MixedSessions(store, 12);
                for (int n = 0; n < prefill; n++) {
                    load.appendOne();
                }
            }
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            System.out.printf(Locale.ROOT, "prefilled %d events: %d bytes compacted%n", prefill, Files.size(file));
            Files.copy(file, saved, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (Store store = Store.open(url)) {
            MixedSessions load = new MixedSessions(store, prefill > 0 ? 13 : 12);
            long started = System.nanoTime();
            long paced = System.nanoTime();
            long peak = 0;
            for (int n = 1 + prefill; n <= events; n++) {
                if (rate > 0) {
                    paced += 1_000_000_000L / rate;
                    java.util.concurrent.locks.LockSupport.parkNanos(paced - System.nanoTime());
                }
                load.appendOne();
                if (n % 50 == 0) {
                    peak = Math.max(peak, Files.size(file));
                }
                if (n % check == 0) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    long live = Files.size(file);
                    long compacted = compacted(file);
                    peak = Math.max(peak, live);
                    System.out.printf(Locale.ROOT, "%8d %12d %9d %12d %9d %6.2f %5.2f %12d %8.0f  %s%n", n, live, live / n,
                            compacted, compacted / n, (double) live / compacted, (double) peak / compacted,
                            Boolean.getBoolean("bench.copy") ? copied(file) : 0, check / seconds, store.upkeep());
                    peak = 0;
                    started = System.nanoTime();
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The file's live maps copied into a fresh file without compression (H2's {@code SHUTDOWN COMPACT}
     * compresses the copy it makes, whatever the database's COMPRESS setting): full pages, as the file
     * could be without compressing them.
     */
    private static long copied(Path file) throws Exception {
        Path copy = Files.createTempDirectory("tally-store-size-copy");
        try {
            Files.copy(file, copy.resolve("c.mv.db"));
            org.h2.mvstore.MVStoreTool.compact(copy.resolve("c.mv.db").toString(),
                    copy.resolve("d.mv.db").toString(), false);
            return Files.size(copy.resolve("d.mv.db"));
        } finally {
            try (var files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A copy of the file, as a crash would leave it, compacted fully by H2. */
    private static long compacted(Path file) throws Exception {
        Path copy = Files.createTempDirectory("tally-store-size-copy");
        try {
            Files.copy(file, copy.resolve("c.mv.db"));
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + copy.resolve("c"), "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            return Files.size(copy.resolve("c.mv.db"));
        } finally {
            try (var files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
