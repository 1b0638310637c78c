package dev.tally.cli.verbs;

import dev.tally.cli.VerbGroup;

/** {@code tally admin}: maintenance of the daemon's read models. */
public final class AdminCmd extends VerbGroup {

    public AdminCmd() {
        super("admin", "Maintain the daemon (admins only)", new AdminReplayCmd());
    }
}
