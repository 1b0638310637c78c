package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.JsonIndenter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally image inspect}: images' details as an indented JSON array; unknown names exit 1. */
final class ImageInspectCmd extends VerbCommand {

    private final PositionalParamSpec names = names("IMAGE");

    ImageInspectCmd() {
        super("inspect", "Display detailed information on one or more images");
    }

    @Override
    public Integer call() throws IOException {
        List<Object> found = new ArrayList<>();
        int code = forEachName(ArgSpecs.values(names),
                name -> found.add(api().getObject("/images/" + QueryString.pathSegment(name) + "/json")));
        out().println(JsonIndenter.indent(found));
        return code;
    }
}
