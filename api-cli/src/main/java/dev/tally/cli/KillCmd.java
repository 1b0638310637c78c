package dev.tally.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally kill}: send a signal (the daemon's default: KILL) to running containers and print their names. */
@Command(name = "kill", description = "Kill one or more running containers")
final class KillCmd extends VerbCommand {

    @Option(names = {"-s", "--signal"}, paramLabel = "SIG", description = "Signal to send to the container")
    String signal;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString().addIfPresent("signal", signal).toString();
        return forEachName(containers, name -> {
            api.post(containerPath(name) + "/kill" + query);
            out().println(name);
        });
    }
}
