package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally stop}: stop running containers (already stopped counts as success) and print their names. */
public class StopCmd extends VerbCommand {

    private final OptionSpec timeout = option(Integer.class, "N", "Seconds to wait before killing the container",
            "-t", "--time", "--timeout");
    private final OptionSpec signal = option(String.class, "SIG", "Signal to send to the container", "-s", "--signal");
    private final PositionalParamSpec containers = names("CONTAINER");

    public StopCmd() {
        this("stop", "Stop one or more running containers");
    }

    StopCmd(String verb, String description) {
        super(verb, description);
    }

    /** What follows each stop before the name is printed; nothing for {@code stop} itself. */
    void afterStop(DaemonApi api, String name) throws IOException {
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString()
                .addIfPresent("t", ArgSpecs.value(timeout)).addIfPresent("signal", ArgSpecs.value(signal)).toString();
        return forEachName(ArgSpecs.values(containers), name -> {
            api.post(containerPath(name) + "/stop" + query);
            afterStop(api, name);
            printLine(name);
        });
    }
}
