package dev.tally.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.LogCursor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real conmon (Debian's 2.1.x) starts a container's log afresh at {@code --log-size-max} by renaming
 * a new file over it; a cursor that follows the log while that happens sees every line once, in order,
 * and holds no deleted file afterwards. The container writes in bursts smaller than the cap and waits
 * for the test to have read each one, so at most one fresh start falls between two reads however
 * slow this machine is (two between reads would lose the middle file: see {@link K8sLogCursor}).
 */
class LogRotationTest {

    private static final int BURSTS = 12;
    private static final int PER_BURST = 40; // about 4 KiB a burst, the cap 6 KiB: a fresh start every other burst
    private static RealRunc runc;

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
        runc.runtime.logSizeMax = 6 << 10;
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    @Test
    void aFollowerOfARotatingLogSeesEveryLineOnceInOrder() throws IOException {
        Path sync = Files.createDirectories(runc.root.resolve("sync"));
        String script = "i=0; b=0; while [ $b -lt " + BURSTS + " ]; do b=$((b+1)); n=0; "
                + "while [ $n -lt " + PER_BURST + " ]; do n=$((n+1)); i=$((i+1)); "
                + "echo \"line $i of a log that conmon starts afresh, about a hundred bytes long\"; done; "
                + "while [ ! -e /sync/read-$b ]; do usleep 5000; done; done";
        String id = runc.start(RealRunc.config(List.of("sh", "-c", script),
                List.of(new ContainerConfig.Mount(sync.toString(), "/sync", false)), ContainerConfig.HostAccess.NONE,
                ContainerConfig.Limits.NONE), null);
        Path logFile = runc.dataRoot.resolve("containers").resolve(id).resolve("ctr.log");
        List<Integer> seen = new ArrayList<>();
        int fresh = 0;
        try (LogCursor cursor = runc.runtime.openLog(id)) {
            for (int burst = 1; burst <= BURSTS; burst++) {
                int until = burst * PER_BURST;
                Object before = Files.readAttributes(logFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
                    for (LogCursor.Line line : cursor.next()) {
                        seen.add(Integer.parseInt(new String(line.bytes(), StandardCharsets.UTF_8).split(" ")[1]));
                    }
                    return !seen.isEmpty() && seen.get(seen.size() - 1) >= until;
                });
                if (!before.equals(Files.readAttributes(logFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey())) {
                    fresh++;
                }
                Files.createFile(sync.resolve("read-" + burst));
            }
            assertEquals(BURSTS * PER_BURST, seen.size(), "lines lost or repeated: " + gaps(seen));
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i + 1, seen.get(i), "out of order or repeated: " + gaps(seen));
            }
            assertTrue(fresh >= BURSTS / 3, "conmon started its log afresh only " + fresh + " times");
            assertEquals(List.of(), heldDeletedFiles());
        }
    }

    /** Where the numbers jump, compactly: "243->1210". */
    private static String gaps(List<Integer> seen) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < seen.size(); i++) {
            if (seen.get(i) != seen.get(i - 1) + 1) {
                out.append(seen.get(i - 1)).append("->").append(seen.get(i)).append(' ');
            }
        }
        return seen.isEmpty() ? "none seen" : "from " + seen.get(0) + ": " + out;
    }

    private static List<String> heldDeletedFiles() throws IOException {
        List<String> held = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("ctr.log") && target.endsWith("(deleted)")) {
                        held.add(target);
                    }
                } catch (IOException gone) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        return held;
    }
}
