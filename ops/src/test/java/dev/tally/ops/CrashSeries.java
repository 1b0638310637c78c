package dev.tally.ops;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11's crash series: a mixed parallel load ({@link CrashWorkload}) against a real tallyd,
 * killed with SIGKILL at a random moment, restarted on the same data root and checked
 * ({@link CrashChecks}), as many times as asked; then {@code rm -f} of everything and a look for
 * anything left on the host. One row per kill, and the problems found (none, when all held).
 */
final class CrashSeries {

    /**
     * One kill: when (after the load began; and when a second kill came during the restart, how far
     * into it) and what was under way, the acknowledged requests so far, how many were found.
     */
    record Row(int run, String killAt, String inFlight, int acknowledged, int found, List<String> problems) {
    }

    /** The whole series: its rows, and what the final clean-up left. */
    record Report(List<Row> rows, List<String> leftovers) {

        boolean clean() {
            return leftovers.isEmpty() && rows.stream().allMatch(r -> r.problems().isEmpty());
        }

        String table() {
            StringBuilder t = new StringBuilder(String.format("%-4s %-26s %-22s %6s %6s  %s%n", "run", "kill at",
                    "in flight", "acked", "found", "problems"));
            for (Row r : rows) {
                t.append(String.format("%-4d %-26s %-22s %6d %6d  %s%n", r.run(), r.killAt(), r.inFlight(),
                        r.acknowledged(), r.found(), r.problems().isEmpty() ? "none" : String.join("; ", r.problems())));
            }
            t.append("after rm -f of everything: ").append(leftovers.isEmpty() ? "nothing left on the host "
                    + "(overlay mounts, cgroups, runc state, conmon, container processes)" : String.join("; ", leftovers))
                    .append('\n');
            return t.toString();
        }
    }

    private final Daemon daemon;
    private final Random random;
    private final long marker;
    private final CrashWorkload load;
    private final CrashChecks checks;
    /** Lines of the daemon's log already reported. */
    private final Set<String> reported = new HashSet<>();

    CrashSeries(Daemon daemon, long seed, int clients) {
        this(daemon, seed, clients, List.of());
    }

    /** With one client more for each of {@code remapped} (non-admin users of group tally), as that user. */
    CrashSeries(Daemon daemon, long seed, int clients, List<String> remapped) {
        this.daemon = daemon;
        this.random = new Random(seed);
        this.marker = 7_000_000L + random.nextInt(1_000_000);
        this.load = new CrashWorkload(daemon, clients, remapped, marker, random);
        this.checks = new CrashChecks(daemon, marker);
    }

    /**
     * Runs {@code kills} rounds, each killing tallyd between {@code minMillis} and {@code maxMillis}
     * after the first request of its load was answered; {@code each} sees every row as it is made.
     */
    Report run(int kills, int minMillis, int maxMillis, java.util.function.Consumer<Row> each) throws Exception {
        List<Row> rows = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int run = 1; run <= kills; run++) {
                int acknowledged = load.acknowledged();
                long began = System.nanoTime();
                List<Future<?>> clients = load.start(pool);
                // the kill lands while requests are being answered, however slow the host is
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> load.acknowledged() > acknowledged);
                long delay = minMillis + random.nextInt(Math.max(1, maxMillis - minMillis));
                long killAt = (System.nanoTime() - began) / 1_000_000 + delay;
                String inFlight = killer.schedule(() -> {
                    String under = load.killed();
                    daemon.crash();
                    return under;
                }, delay, TimeUnit.MILLISECONDS).get(delay + 60_000, TimeUnit.MILLISECONDS);
                CrashWorkload.join(clients);
                List<String> problems = new ArrayList<>(load.drainProblems());
                problems.addAll(logProblems());
                String restart = "";
                if (random.nextInt(4) == 0) {
                    // killed again while it recovers from the first kill
                    long during = 100 + random.nextInt(1500);
                    daemon.launch();
                    killer.schedule(() -> {
                        daemon.crash();
                        return null;
                    }, during, TimeUnit.MILLISECONDS).get(during + 60_000, TimeUnit.MILLISECONDS);
                    restart = "+" + during + "ms of restart";
                }
                long restartAt = System.nanoTime();
                daemon.start();
                long checkAt = System.nanoTime();
                CrashChecks.Outcome outcome = checks.afterRestart(load);
                System.out.printf("crash series: run %d: load %d ms, restart %d ms, checks %d ms%n", run,
                        (restartAt - began) / 1_000_000, (checkAt - restartAt) / 1_000_000,
                        (System.nanoTime() - checkAt) / 1_000_000);
                problems.addAll(outcome.problems());
                load.resync(outcome.psByName(), outcome.psById(), outcome.volumes(), ref -> {
                    Daemon.Result id = daemon.docker("image", "inspect", "--format", "{{.Id}}", ref);
                    return id.code() == 0 ? id.out().strip() : null;
                });
                Row row = new Row(run, killAt + "ms" + restart, inFlight, load.acknowledged(), outcome.found(), problems);
                rows.add(row);
                each.accept(row);
            }
        } finally {
            pool.shutdownNow();
            killer.shutdownNow();
        }
        return new Report(rows, cleanUp());
    }

    /** What the daemon's log says went wrong (its log spans every start: it is appended to). */
    private List<String> logProblems() throws java.io.IOException {
        return daemon.log().lines().filter(l -> l.contains("request failed") || l.contains("recovering container")
                || l.contains("cannot start")).filter(reported::add).toList();
    }

    private List<String> cleanUp() throws Exception {
        List<String> problems = new ArrayList<>();
        List<String> ids = load.boxes.stream().map(b -> b.id).filter(java.util.Objects::nonNull).toList();
        for (String id : daemon.docker("ps", "-aq", "--no-trunc").out().split("\\s+")) {
            if (!id.isBlank()) {
                Daemon.Result rm = daemon.docker("rm", "-f", id);
                if (rm.code() != 0) {
                    problems.add("rm -f " + id + ": " + rm.err().strip());
                }
            }
        }
        if (!daemon.docker("ps", "-aq").out().isBlank()) {
            problems.add("containers left after rm -f: " + daemon.docker("ps", "-a").out());
        }
        // a --rm container's removal (the checks' run --rm IMAGE true) is answered once recorded, and its
        // host side may still be ending: what is left gets the moment the checks after a restart give it
        List<List<String>> left = new ArrayList<>(List.of(List.of()));
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
                left.set(0, checks.leftovers(ids));
                return left.get(0).isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below
        }
        problems.addAll(left.get(0));
        problems.addAll(logProblems());
        return problems;
    }
}
