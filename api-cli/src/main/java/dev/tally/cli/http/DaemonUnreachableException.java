package dev.tally.cli.http;

import java.io.IOException;

/** Nothing accepted a connection at the daemon's address. The message is the complete sentence for the user. */
public final class DaemonUnreachableException extends IOException {

    private static final long serialVersionUID = 1L;

    public DaemonUnreachableException(String address, String reason) {
        super("cannot connect to the tally daemon at " + address + ": " + reason + ". Is tallyd running?");
    }
}
