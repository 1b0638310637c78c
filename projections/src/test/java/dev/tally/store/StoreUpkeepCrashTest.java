package dev.tally.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.audit.ChainVerdict;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WRITE_DELAY stays 0 with the upkeep: a process killed (SIGKILL) while its upkeep rewrites chunks,
 * several writers append and a reader walks the chain loses no event it acknowledged, its hash chain
 * verifies, and nothing failed before the kill (no writer, the reader, nor the upkeep). The kills land
 * at a random moment once the upkeep has rewritten a few times.
 *
 * <p>The retention time is 1 s instead of the daemon's 5 s, so that chunks are old enough to be
 * rewritten and freed (and their space written again) within seconds: harder on the store than the
 * daemon's settings. {@code -Dtally.soak.kills=N} (default 3), {@code .writers} (4) and
 * {@code .seconds} (the longest time between two kills, default 8) make it a soak; {@code .seed} picks the kill
 * times of a run again (each failure names its seed).
 */
class StoreUpkeepCrashTest {

    static final String SHORT_RETENTION = Store.H2_SETTINGS.replace("RETENTION_TIME=" + StoreUpkeep.RETENTION_MS,
            "RETENTION_TIME=1000");

    @TempDir
    Path dir;

    @Test
    void aKillWhileTheUpkeepRewritesLosesNoAcknowledgedEvent() throws Exception {
        assertTrue(SHORT_RETENTION.contains("RETENTION_TIME=1000"), SHORT_RETENTION);
        int kills = Integer.getInteger("tally.soak.kills", 3);
        int writers = Integer.getInteger("tally.soak.writers", 4);
        int seconds = Integer.getInteger("tally.soak.seconds", 8);
        // the kill times: told with every failure, so that a run can be repeated with the same (the pace still differs)
        long seed = Long.getLong("tally.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        Set<String> acknowledged = new HashSet<>();
        for (int kill = 1; kill <= kills; kill++) {
            Run run = appendUntilKilled(kill, writers, Duration.ofMillis(random.nextInt(seconds * 1000)));
            assertTrue(run.failures.isEmpty(), "kill " + kill + " (-Dtally.soak.seed=" + seed + "): " + run.failures);
            acknowledged.addAll(run.acknowledged);
            try (Store store = Store.open("jdbc:h2:file:" + dir.resolve("tally") + SHORT_RETENTION,
                    StoreUpkeep.Settings.DEFAULT.off())) {
                Set<String> logged = identifiers(store);
                List<String> missing = acknowledged.stream().filter(id -> !logged.contains(id)).limit(10).toList();
                assertTrue(missing.isEmpty(), "kill " + kill + " (-Dtally.soak.seed=" + seed + "): " + acknowledged.size() + " acknowledged, "
                        + logged.size() + " in the log, missing " + missing);
                ChainVerdict verdict = store.chain().verify(null);
                assertTrue(verdict.intact(), "kill " + kill + " (-Dtally.soak.seed=" + seed + "): " + verdict);
                assertEquals(logged.size(), verdict.checked());
                System.out.printf("kill %d: %d acknowledged in all, %d in the log, %d rewriting steps in this run%n",
                        kill, acknowledged.size(), logged.size(), run.steps);
            }
        }
    }

    private record Run(Set<String> acknowledged, List<String> failures, long steps) {
    }

    /** Starts the appending process and kills it this long after it has appended and its upkeep rewritten a few times. */
    private Run appendUntilKilled(int kill, int writers, Duration after) throws Exception {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                "-Ddisable-axoniq-console-message=true", AppendingUntilKilled.class.getName(),
                dir.resolve("tally").toString(), SHORT_RETENTION, Integer.toString(kill), Integer.toString(writers))
                .redirectErrorStream(true).start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong steps = new AtomicLong();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    String[] words = line.split(" ");
                    if (words.length == 3 && words[0].equals("ack")) {
                        acknowledged.add(words[1]);
                        steps.set(Long.parseLong(words[2]));
                    } else if (failures.size() < 50 && (line.startsWith("failed") || line.contains("store upkeep")
                            || line.contains("Exception"))) {
                        failures.add(line);
                    }
                }
            } catch (java.io.IOException e) {
                // Once the child is killed, the JDK closes its output under a pending read ("Stream
                // closed"): the harness's own doing, not the store's
                if (!killed.get()) {
                    failures.add(e.toString());
                }
            }
        });
        reader.start();
        try {
            // A JVM start and a first append take a minute on a host busy with other builds.
            await().atMost(Duration.ofSeconds(300)).until(() -> !child.isAlive()
                    || steps.get() >= 5 && acknowledged.size() >= 50);
            long deadline = System.nanoTime() + after.toNanos();
            await().atMost(after.plusSeconds(30)).until(() -> !child.isAlive() || System.nanoTime() >= deadline);
            assertTrue(child.isAlive(), "the appending process ended: " + failures);
        } finally {
            killed.set(true);
            child.destroyForcibly().waitFor();
            reader.join();
        }
        return new Run(acknowledged, failures, steps.get());
    }

    private static Set<String> identifiers(Store store) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = store.connections().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT eventIdentifier FROM DomainEventEntry")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
