package dev.tally.cli;

/** {@code tally admin}: maintenance of the daemon's read models. */
final class AdminCmd extends VerbGroup {

    AdminCmd() {
        super("admin", "Maintain the daemon (admins only)", new AdminReplayCmd());
    }
}
