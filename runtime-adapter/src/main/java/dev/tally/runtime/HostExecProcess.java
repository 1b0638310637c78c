package dev.tally.runtime;

import dev.tally.domain.container.ExecProcess;
import java.io.InputStream;
import java.io.OutputStream;

/** An exec as a {@code runc exec} child of the daemon, its stdio piped. */
final class HostExecProcess implements ExecProcess {

    private final Process process;

    HostExecProcess(Process process) {
        this.process = process;
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public int waitFor() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return 137;
        }
    }
}
