package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** exec with a real terminal, with stdin, and a command that cannot start, through both CLIs as docker shows them. */
class ExecIT {

    private static final String NOT_FOUND = "OCI runtime exec failed: exec failed: unable to start container process: "
            + "exec: \"nope\": executable file not found in $PATH: unknown\r\n";
    private static final String NOT_EXECUTABLE = "OCI runtime exec failed: exec failed: unable to start container "
            + "process: exec: \"/etc/passwd\": permission denied: unknown\r\n";

    @BusyboxDaemon
    private static Daemon daemon;

    @BeforeAll
    static void runTheBox() {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "box", "busybox", "sleep", "600");
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void aCommandThatIsNotThereExits127WithDockersMessageFromBothClis() {
        for (Daemon.Result r : List.of(daemon.docker("exec", "box", "nope"), daemon.tally("exec", "box", "nope"))) {
            assertEquals(127, r.code(), r.err());
            assertEquals(NOT_FOUND, r.out());
            assertEquals("", r.err(), "runc's own line stays out of the output");
        }
    }

    @Test
    void aCommandThatCannotBeInvokedExits126() {
        for (Daemon.Result r : List.of(daemon.docker("exec", "box", "/etc/passwd"),
                daemon.tally("exec", "box", "/etc/passwd"))) {
            assertEquals(126, r.code(), r.err());
            assertEquals(NOT_EXECUTABLE, r.out());
        }
    }

    @Test
    void aCommandThatRunsAndExits255KeepsItsCodeAndEveryLineOfItsStderr() {
        Daemon.Result r = daemon.docker("exec", "box", "sh", "-c",
                "echo out; echo 'exec failed: says the command' >&2; exit 255");
        assertEquals(255, r.code(), r.err());
        assertEquals("out\n", r.out());
        assertEquals("exec failed: says the command\n", r.err());
    }

    @Test
    void aMissingCommandIsRecordedWithItsExitCode() {
        daemon.docker("exec", "box", "nope");
        Daemon.Result events = daemon.tally("events", "--since", "0", "--until", "0s", "--filter", "container=box",
                "--filter", "event=exec_die");
        assertTrue(events.out().contains("exitCode=127"), events.out());
    }

    @Test
    void execWithATtyRunsOnATerminalInsideTheContainer() {
        for (Daemon.Result r : List.of(daemon.docker("exec", "-t", "box", "sh", "-c", "tty; echo $TERM"),
                daemon.tally("exec", "-t", "box", "sh", "-c", "tty; echo $TERM"))) {
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().matches("/dev/pts/[0-9]+\r+\nxterm\r+\n"), r.out());
        }
    }

    @Test
    void execWithATtyKeepsItsExitCodeAndMissingCommandsStill127() {
        Daemon.Result exited = daemon.docker("exec", "-t", "box", "sh", "-c", "exit 9");
        assertEquals(9, exited.code(), exited.err());
        Daemon.Result missing = daemon.tally("exec", "-t", "box", "nope");
        assertEquals(127, missing.code(), missing.err());
        assertEquals(NOT_FOUND, missing.out());
    }

    @Test
    void theTerminalTakesTheClientsSizeFromBothClis() {
        // the size reaches the container's terminal just after the command starts: it waits for
        // it (busybox's stty size prints nothing to stdout, and exits 0, while the size is 0x0)
        String waitForSize = "s=; until [ -n \"$s\" ]; do s=$(stty size 2>/dev/null) || exit 1;"
                + " [ -n \"$s\" ] || usleep 10000; done; echo \"$s\"";
        Daemon.Result docker = onTerminal(40, 132, Map.of("DOCKER_HOST", "unix://" + daemon.socket),
                List.of("docker", "exec", "-t", "box", "sh", "-c", waitForSize));
        assertEquals(0, docker.code(), docker.err());
        assertTrue(docker.out().contains("40 132"), docker.out());

        List<String> tally = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.tally.cli.TallyCli", "-H", "unix://" + daemon.socket));
        tally.addAll(List.of("exec", "-t", "box", "sh", "-c", waitForSize + "; exit 3"));
        Daemon.Result fromTally = onTerminal(33, 101, Map.of(), tally);
        assertEquals(3, fromTally.code(), fromTally.err());
        assertTrue(fromTally.out().contains("33 101"), fromTally.out());
        assertFalse(fromTally.out().contains("level=error"), fromTally.out());
    }

    @Test
    void anExecThatDoesNotReadItsInputYetHoldsUpNoOtherRequest() throws Exception {
        // exec's stdin was written on the event loop: once the process's pipe was full, no request
        // was answered, this test's next exec included, until the process read
        Path input = daemon.root.resolve("exec-stdin.bin");
        Files.write(input, new byte[4_000_000]);
        String marker = "/tmp/exec-stdin-" + System.nanoTime();
        Path out = daemon.root.resolve("exec-stdin.out");
        ProcessBuilder pb = new ProcessBuilder("docker", "exec", "-i", "box", "sh", "-c",
                "touch " + marker + ".started; until [ -e " + marker + ".go ]; do usleep 10000; done; wc -c")
                .redirectInput(input.toFile()).redirectOutput(out.toFile())
                .redirectError(daemon.root.resolve("exec-stdin.err").toFile());
        pb.environment().put("DOCKER_HOST", "unix://" + daemon.socket);
        Process exec = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> daemon.docker("exec", "box", "test", "-e", marker + ".started").code() == 0);
            assertEquals(0, daemon.docker("exec", "box", "touch", marker + ".go").code());
            assertTrue(exec.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, exec.exitValue(), Files.readString(daemon.root.resolve("exec-stdin.err")));
            assertEquals("4000000", Files.readString(out).strip());
        } finally {
            exec.destroyForcibly();
        }
    }

    /**
     * Runs the command on a terminal of the given size made by script(1), whose exit code it
     * returns. script's own stdin is empty, so the command must not read its terminal (no -i).
     */
    private static Daemon.Result onTerminal(int rows, int columns, Map<String, String> env, List<String> command) {
        StringBuilder line = new StringBuilder("stty rows " + rows + " cols " + columns + ";");
        for (String word : command) {
            line.append(" '").append(word.replace("'", "'\\''")).append("'");
        }
        return Daemon.exec(List.of("script", "-eqc", line.toString(), "/dev/null"), env);
    }
}
