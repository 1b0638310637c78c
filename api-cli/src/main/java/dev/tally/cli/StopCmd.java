package dev.tally.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally stop}: stop running containers (already stopped counts as success) and print their names. */
@Command(name = "stop", description = "Stop one or more running containers")
final class StopCmd extends VerbCommand {

    @Option(names = {"-t", "--time", "--timeout"}, paramLabel = "N",
            description = "Seconds to wait before killing the container")
    Integer timeout;

    @Option(names = {"-s", "--signal"}, paramLabel = "SIG", description = "Signal to send to the container")
    String signal;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString().addIfPresent("t", timeout).addIfPresent("signal", signal).toString();
        return forEachName(containers, name -> {
            api.post(containerPath(name) + "/stop" + query);
            out().println(name);
        });
    }
}
