package dev.tally.cli.http;

import java.io.IOException;

/**
 * The daemon answered with an error status. The message is the daemon's own
 * {@code message} field (or the raw body, or the status line, when there is none).
 */
public final class DaemonErrorException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public DaemonErrorException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status code, e.g. 404. */
    public int status() {
        return status;
    }
}
