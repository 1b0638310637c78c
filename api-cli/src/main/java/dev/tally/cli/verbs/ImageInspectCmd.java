package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.ExitCodeMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally image inspect}: images' details as an indented JSON array or through --format; unknown names exit 1. */
final class ImageInspectCmd extends VerbCommand {

    private final PositionalParamSpec names = names("IMAGE");
    private final OptionSpec format = option(String.class, "TEMPLATE",
            "Format output using a Go template ({{.Id}}, {{json .RootFS}}), or 'json'", "-f", "--format");

    ImageInspectCmd() {
        super("inspect", "Display detailed information on one or more images");
    }

    @Override
    public Integer call() throws IOException {
        InspectOutput output = InspectOutput.of(ArgSpecs.value(format));
        List<Object> found = new ArrayList<>();
        int code = forEachName(ArgSpecs.values(names),
                name -> found.add(api().getObject("/images/" + QueryString.pathSegment(name) + "/json")));
        return output.print(found, out(), err(), verb()) ? code : ExitCodeMapper.GENERAL_FAILURE;
    }
}
