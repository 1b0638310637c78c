package dev.tally.runtime;

import static org.awaitility.Awaitility.await;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Starts many short containers through the real runtime, as the runtime-adapter tests do, and
 * counts the starts that fail and what each failed start left behind (processes, runc state,
 * mounts, cgroups). Not a test: it takes minutes; ops/bench/start-stress.sh runs it, under load.
 * Arguments: number of starts (default 300).
 */
final class StartStress {

    private StartStress() {
    }

    public static void main(String[] args) throws Exception {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Map<String, Integer> failures = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        List<Long> startMillis = new ArrayList<>();
        long began = System.nanoTime();
        try (RealRunc runc = new RealRunc()) {
            for (int i = 1; i <= starts; i++) {
                String id = runc.create(RealRunc.config(List.of("true")), null);
                try {
                    long t0 = System.nanoTime();
                    runc.runtime.start(id);
                    startMillis.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
                    await().atMost(Duration.ofSeconds(60)).until(() -> runc.runtime.inspect(id).exit().isPresent());
                    int code = runc.runtime.inspect(id).exit().orElseThrow().code();
                    if (code != 0) {
                        failures.merge("exit code " + code, 1, Integer::sum);
                    }
                    runc.runtime.remove(id);
                } catch (DomainException e) {
                    failures.merge(e.getMessage().replace(id, "<id>"), 1, Integer::sum);
                    failed.add(id);
                    System.out.println("start " + i + " failed: " + e.getMessage());
                } catch (ConditionTimeoutException e) {
                    String what = "started, but no exit recorded in 60 s; conmon "
                            + (monitorAlive(runc, id) ? "alive" : "gone");
                    failures.merge(what, 1, Integer::sum);
                    failed.add(id);
                    System.out.println("start " + i + " " + what);
                }
                if (i % 50 == 0) {
                    System.out.println(i + " starts, " + failed.size() + " failed");
                }
            }
            long seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();
            System.out.println("starts: " + starts + ", failed: " + failed.size() + ", in " + seconds + " s");
            startMillis.sort(null);
            if (!startMillis.isEmpty()) {
                System.out.println("start ms: median " + startMillis.get(startMillis.size() / 2)
                        + ", p95 " + startMillis.get(startMillis.size() * 95 / 100)
                        + ", max " + startMillis.get(startMillis.size() - 1));
            }
            failures.forEach((message, count) -> System.out.println("  " + count + " x " + message));
            for (String id : failed) {
                // A monitor that was given up on may still be at work: give it time to do harm.
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
                List<String> left = HostLeftovers.of(runc, id);
                System.out.println("  left behind by " + id.substring(0, 12) + ": "
                        + (left.isEmpty() ? "nothing" : String.join("; ", left)));
            }
        }
    }

    /** Whether the conmon that {@code -P} named for this container still runs. */
    private static boolean monitorAlive(RealRunc runc, String id) {
        Path pidFile = runc.dataRoot.resolve("containers").resolve(id).resolve("conmon.pid");
        try {
            String pid = Files.readString(pidFile).strip();
            return new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline"))).contains(id);
        } catch (IOException e) {
            return false;
        }
    }
}
