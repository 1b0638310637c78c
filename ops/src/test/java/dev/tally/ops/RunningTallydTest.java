package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/running-tallyd.sh}, install.sh's check for a tallyd running from the files it replaces:
 * it names one that runs from them, and says nothing of the processes that end while it reads their
 * command lines (it printed {@code /proc/N/cmdline: No such file or directory} for each, under
 * {@code ops/bench/registry.sh}'s install).
 */
class RunningTallydTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).resolve("running-tallyd.sh");

    @Test
    void processesThatEndWhileItLooksAreNotMentioned() throws Exception {
        Path lib = Files.createTempDirectory("running-tallyd-test");
        List<Process> churn = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                churn.add(new ProcessBuilder("bash", "-c", "while :; do /bin/true; done").start());
            }
            for (int round = 0; round < 3; round++) {
                Daemon.Result none = Daemon.exec(List.of("bash", SCRIPT.toString(), lib.toString()), Map.of());
                assertEquals(1, none.code(), none.out());
                assertEquals("", none.err(), "said of processes that ended meanwhile");
            }
        } finally {
            churn.forEach(Process::destroyForcibly);
            Files.delete(lib);
        }
    }

    @Test
    void aTallydRunningFromTheFilesIsNamed() throws Exception {
        Path lib = Path.of("/nonexistent/running-tallyd-test");
        // a stand-in whose command line holds a tallyd's from those files (its positional parameters)
        Process tallyd = new ProcessBuilder("bash", "-c", "sleep 600; true", "java", "-cp", lib + "/daemon/*",
                "dev.tally.ops.Tallyd").start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    Files.readString(Path.of("/proc", Long.toString(tallyd.pid()), "cmdline")).contains("Tallyd"));
            Daemon.Result found = Daemon.exec(List.of("bash", SCRIPT.toString(), lib.toString()), Map.of());
            assertEquals(0, found.code(), found.err());
            assertEquals(Long.toString(tallyd.pid()), found.out().strip());
        } finally {
            tallyd.destroyForcibly();
        }
    }
}
