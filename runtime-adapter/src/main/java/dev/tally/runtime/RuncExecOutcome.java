package dev.tally.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a {@code runc exec} child ended: the command's exit code, or, when runc could not start
 * it, docker's code and message for that. runc's JSON log (read once after the exit, then
 * removed) tells the two apart, as runc exits 255 for its own failures.
 */
final class RuncExecOutcome {

    private final Process runc;
    private final Path runcLog;
    private Optional<RuncExecFailure> failure;

    RuncExecOutcome(Process runc, Path runcLog) {
        this.runc = runc;
        this.runcLog = runcLog;
    }

    /** Blocks until runc exits; the command's exit code, or 127/126 when it could not start. */
    int exitCode() {
        int code = runcExit();
        return failure(code).map(RuncExecFailure::exitCode).orElse(code);
    }

    /** Blocks until runc exits; docker's message when the command could not start. */
    Optional<String> startFailure() {
        return failure(runcExit()).map(RuncExecFailure::dockerMessage);
    }

    /** Blocks until runc exits; whether the line is runc's message for not starting the command. */
    boolean isRuncFailureLine(String line) {
        return failure(runcExit()).map(f -> f.runcMessage().equals(line)).orElse(false);
    }

    private int runcExit() {
        try {
            return runc.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runc.destroyForcibly();
            return 137;
        }
    }

    private synchronized Optional<RuncExecFailure> failure(int runcExit) {
        if (failure == null) {
            failure = runcExit == RuncExecFailure.RUNC_FAILED ? RuncExecFailure.read(runcLog) : Optional.empty();
            try {
                Files.deleteIfExists(runcLog);
            } catch (IOException leftBehind) {
                // a few bytes under the run root
            }
        }
        return failure;
    }
}
