package dev.tally.runtime;

import dev.tally.domain.container.ExecProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * An exec with a TTY: {@code runc exec --tty} runs with a pseudo-terminal of the daemon's as its
 * own terminal (runc wants one) and relays it to the TTY it makes inside the container. The
 * daemon reads and writes the master; runc's stderr stays apart, so its errors never mix with
 * the output; a resize of the master reaches runc as SIGWINCH (the slave is its controlling
 * terminal) and runc passes it on.
 */
final class TerminalExecProcess implements ExecProcess {

    private final Process process;
    private final PseudoTerminal terminal;
    private final RuncExecOutcome outcome;

    TerminalExecProcess(Process process, PseudoTerminal terminal, RuncExecOutcome outcome) {
        this.process = process;
        this.terminal = terminal;
        this.outcome = outcome;
        process.onExit().thenRun(terminal::releaseSlave);
    }

    @Override
    public InputStream stdout() {
        return terminal.output();
    }

    /** runc's own messages; the command's stderr is on the terminal. */
    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public OutputStream stdin() {
        return terminal.input();
    }

    @Override
    public int waitFor() {
        return outcome.exitCode();
    }

    @Override
    public Optional<String> startFailure() {
        return outcome.startFailure();
    }

    @Override
    public void resize(int height, int width) {
        if (process.isAlive()) {
            terminal.resize(height, width);
        }
    }
}
