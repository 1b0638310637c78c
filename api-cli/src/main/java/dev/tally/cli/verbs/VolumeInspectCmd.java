package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.ExitCodeMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally volume inspect}: print volumes' details as an indented JSON array or through --format; unknown names exit 1. */
final class VolumeInspectCmd extends VerbCommand {

    private final PositionalParamSpec names = names("VOLUME");
    private final OptionSpec format = option(String.class, "TEMPLATE",
            "Format output using a Go template ({{.Mountpoint}}), or 'json'", "-f", "--format");

    VolumeInspectCmd() {
        super("inspect", "Display detailed information on one or more volumes");
    }

    @Override
    public Integer call() throws IOException {
        InspectOutput output = InspectOutput.of(ArgSpecs.value(format));
        DaemonApi api = api();
        List<Object> found = new ArrayList<>();
        int code = forEachName(ArgSpecs.values(names), name -> found.add(api.getObject(VolumeCmd.volumePath(name))));
        return output.print(found, out(), err(), verb()) ? code : ExitCodeMapper.GENERAL_FAILURE;
    }
}
