package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally rm}: remove containers and print their names. */
public final class RmCmd extends VerbCommand {

    private final OptionSpec force = flag("Force the removal of a running container (uses SIGKILL)", "-f", "--force");
    private final OptionSpec volumes = flag("Remove anonymous volumes associated with the container",
            "-v", "--volumes");
    private final PositionalParamSpec containers = names("CONTAINER");

    public RmCmd() {
        super("rm", "Remove one or more containers");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString()
                .addFlag("force", ArgSpecs.isSet(force)).addFlag("v", ArgSpecs.isSet(volumes)).toString();
        return forEachName(ArgSpecs.values(containers), name -> {
            api.delete(containerPath(name) + query);
            printLine(name);
        });
    }
}
