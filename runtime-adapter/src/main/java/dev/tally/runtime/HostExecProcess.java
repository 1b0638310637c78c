package dev.tally.runtime;

import dev.tally.domain.container.ExecProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * An exec without a TTY, a {@code runc exec} child of the daemon with its stdio piped. runc's
 * stderr is the command's too: runc's last line for a command it could not start is left out,
 * as docker reports that failure in its own words ({@link #startFailure()}).
 */
final class HostExecProcess implements ExecProcess {

    private final Process process;
    private final RuncExecOutcome outcome;
    private final InputStream stderr;

    HostExecProcess(Process process, RuncExecOutcome outcome) {
        this.process = process;
        this.outcome = outcome;
        this.stderr = new RuncFatalLineFilter(process.getErrorStream(), outcome::isRuncFailureLine);
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public int waitFor() {
        return outcome.exitCode();
    }

    @Override
    public Optional<String> startFailure() {
        return outcome.startFailure();
    }
}
