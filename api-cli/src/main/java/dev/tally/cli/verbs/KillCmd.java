package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally kill}: send a signal (the daemon's default: KILL) to running containers and print their names. */
public final class KillCmd extends VerbCommand {

    private final OptionSpec signal = option(String.class, "SIG", "Signal to send to the container", "-s", "--signal");
    private final PositionalParamSpec containers = names("CONTAINER");

    public KillCmd() {
        super("kill", "Kill one or more running containers");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString().addIfPresent("signal", ArgSpecs.value(signal)).toString();
        return forEachName(ArgSpecs.values(containers), name -> {
            api.post(containerPath(name) + "/kill" + query);
            printLine(name);
        });
    }
}
