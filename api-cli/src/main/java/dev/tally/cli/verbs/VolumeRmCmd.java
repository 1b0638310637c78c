package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally volume rm}: remove volumes and print their names; failures are reported per name. */
final class VolumeRmCmd extends VerbCommand {

    private final OptionSpec force = flag("Force the removal of one or more volumes", "-f", "--force");
    private final PositionalParamSpec names = names("VOLUME");

    VolumeRmCmd() {
        super("rm", "Remove one or more volumes");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString().addFlag("force", ArgSpecs.isSet(force)).toString();
        return forEachName(ArgSpecs.values(names), name -> {
            api.delete(VolumeCmd.volumePath(name) + query);
            printLine(name);
        });
    }
}
