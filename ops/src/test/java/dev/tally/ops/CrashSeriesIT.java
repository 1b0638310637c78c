package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's crash series against a real tallyd: SIGKILL at random moments of a mixed parallel load,
 * restart, check ({@link CrashSeries}). CI runs a short one; {@code ops/crash-series.sh KILLS} runs
 * this test with more kills ({@code -Dtally.crashSeries.kills}) and prints its table, which is also
 * written to {@code target/crash-series.txt}.
 */
class CrashSeriesIT {

    @Test
    void everyAcknowledgedRequestSurvivesKillsAtRandomMomentsAndNothingIsLeftOnTheHost(@BusyboxDaemon Daemon daemon)
            throws Exception {
        int kills = Integer.getInteger("tally.crashSeries.kills", 3);
        long seed = Long.getLong("tally.crashSeries.seed", System.nanoTime());
        int clients = Integer.getInteger("tally.crashSeries.clients", 3);
        System.out.println("crash series: " + kills + " kills, " + clients + " clients, seed " + seed);
        CrashSeries.Report report = new CrashSeries(daemon, seed, clients).run(kills, 0, 2000,
                row -> System.out.println("crash series: run " + row.run() + " done: " + row.problems().size() + " problems"));
        String table = "crash series: " + kills + " kills, " + clients + " clients, seed " + seed + "\n" + report.table();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "crash-series.txt"), table);
        System.out.println(table);
        assertTrue(report.clean(), table + daemon.log());
    }
}
