package dev.tally.cli;

import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally restart}: stop then start each container, printing its name. */
final class RestartCmd extends VerbCommand {

    private final OptionSpec timeout = option(Integer.class, "N", "Seconds to wait before killing the container",
            "-t", "--time", "--timeout");
    private final OptionSpec signal = option(String.class, "SIG", "Signal to send to the container", "-s", "--signal");
    private final PositionalParamSpec containers = names("CONTAINER");

    RestartCmd() {
        super("restart", "Restart one or more containers");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString()
                .addIfPresent("t", ArgSpecs.value(timeout)).addIfPresent("signal", ArgSpecs.value(signal)).toString();
        return forEachName(ArgSpecs.values(containers), name -> {
            api.post(containerPath(name) + "/stop" + query);
            api.post(containerPath(name) + "/start");
            out().println(name);
        });
    }
}
