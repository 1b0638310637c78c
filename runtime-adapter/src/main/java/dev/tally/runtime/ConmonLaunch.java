package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * conmon started for one container, and its one answer on the sync pipe: {@code {"data": PID}}
 * once runc has created the container, {@code {"data": -1, "message": "…"}} when runc failed.
 *
 * <p>conmon daemonizes: the process started for it forks the monitor and exits at once, and the
 * monitor answers later, after {@code runc create}. Java's {@link Process} drains and closes a
 * child's stdout as soon as its reaper sees the child exit. Read from that stdout, the answer was
 * lost whenever the exit was seen before the reading thread blocked in read (a loaded host: one
 * start in 150 to 500); conmon 2.1.6 then also dies of the broken pipe, leaving runc's container
 * created but unwatched. So the pipe Java reads is not conmon's: the shell started here reads
 * conmon's sync pipe, copies the first line to its own stdout, and ends only once that line is
 * written there, or once conmon ended without one.
 */
final class ConmonLaunch {

    /** conmon's sync pipe is fd 3, read by the shell; conmon's stdout goes nowhere. */
    private static final String RELAY = "_OCI_SYNCPIPE=3 \"$@\" 3>&1 >/dev/null"
            + " | { IFS= read -r answer; [ -z \"$answer\" ] || printf '%s\\n' \"$answer\"; }";

    private final String name;
    private final List<String> conmonArgv;
    private final Process shell;
    private final Path conmonPidFile;

    private ConmonLaunch(String name, List<String> conmonArgv, Process shell, Path conmonPidFile) {
        this.name = name;
        this.conmonArgv = conmonArgv;
        this.shell = shell;
        this.conmonPidFile = conmonPidFile;
    }

    /**
     * Starts {@code conmonArgv}, called {@code name} in errors ("conmon for ID"). What conmon says
     * on stderr before it daemonizes lands in {@code errorFile}, emptied first; {@code conmonPidFile}
     * is where conmon's {@code -P} puts the monitor's pid, read only to stop one that never answers.
     */
    static ConmonLaunch start(String name, List<String> conmonArgv, Path errorFile, Path conmonPidFile)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", RELAY, "conmon-relay"));
        command.addAll(conmonArgv);
        Process shell = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.to(errorFile.toFile()))
                .start();
        return new ConmonLaunch(name, List.copyOf(conmonArgv), shell, conmonPidFile);
    }

    /** The process Java started: it ends after the answer, never before. */
    Process shell() {
        return shell;
    }

    /**
     * conmon's answer line, or empty when conmon ended without one (it is gone then: the shell
     * sees the end of the sync pipe only once every copy of it is closed). Waits at most
     * {@code limit}; past it, stops the shell and the monitor (runc create, conmon's child, dies
     * with it) and throws FAILED.
     */
    Optional<String> answer(Duration limit) throws IOException {
        boolean ended;
        try {
            ended = shell.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new DomainException(DomainException.Kind.FAILED, "interrupted while waiting for " + name, e);
        }
        if (!ended) {
            stop();
            throw new DomainException(DomainException.Kind.FAILED,
                    name + " gave no answer within " + limit.toSeconds() + " s; stopped it");
        }
        String said = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return said.isEmpty() ? Optional.empty() : Optional.of(said.lines().findFirst().orElseThrow());
    }

    /** Kills the shell, what it still runs, and the daemonized monitor if it is this launch's conmon. */
    private void stop() {
        shell.descendants().forEach(ProcessHandle::destroyForcibly);
        shell.destroyForcibly();
        monitor().ifPresent(ProcessHandle::destroyForcibly);
    }

    /** The monitor named by the pid file, if that pid still runs exactly this launch's command line. */
    private Optional<ProcessHandle> monitor() {
        try {
            long pid = Long.parseLong(Files.readString(conmonPidFile).strip());
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            String expected = String.join("\0", conmonArgv) + "\0";
            if (!new String(cmdline, StandardCharsets.UTF_8).equals(expected)) {
                return Optional.empty();
            }
            return ProcessHandle.of(pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
