package dev.tally.domain.container;

import java.util.Locale;

/**
 * What a failed start says about the container's command, read as Docker reads the runtime's
 * message: a command that is not there (exit code 127) or cannot be run (126) is the request's
 * fault (HTTP 400), anything else the daemon's (128, HTTP 500).
 */
public final class StartFailures {

    private StartFailures() {
    }

    /** The exit code a container gets when its start failed for this reason. */
    public static int exitCode(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("executable file not found") || r.contains("no such file or directory")) {
            return 127;
        }
        if (r.contains("permission denied")) {
            return 126;
        }
        return 128;
    }

    /** Whether the command asked for is at fault, not the host. */
    public static boolean isTheCommand(String reason) {
        return exitCode(reason) != 128;
    }
}
