package dev.tally.cli;

import picocli.CommandLine;

/** {@code tally admin}: maintenance of the daemon's read models; alone, it prints its usage. */
final class AdminCmd extends VerbCommand {

    AdminCmd() {
        super("admin", "Maintain the daemon (admins only)");
        spec().addSubcommand("replay", new CommandLine(new AdminReplayCmd().spec()));
    }

    @Override
    public Integer call() {
        spec().commandLine().usage(out());
        return 0;
    }
}
