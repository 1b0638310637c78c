package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.JsonIndenter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally volume inspect}: print volumes' details as an indented JSON array; unknown names exit 1. */
final class VolumeInspectCmd extends VerbCommand {

    private final PositionalParamSpec names = names("VOLUME");

    VolumeInspectCmd() {
        super("inspect", "Display detailed information on one or more volumes");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        List<Object> found = new ArrayList<>();
        int code = forEachName(ArgSpecs.values(names), name -> found.add(api.getObject(VolumeCmd.volumePath(name))));
        out().println(JsonIndenter.indent(found));
        return code;
    }
}
