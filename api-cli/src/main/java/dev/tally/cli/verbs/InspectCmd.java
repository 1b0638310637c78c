package dev.tally.cli.verbs;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.DaemonErrorException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally inspect}: print containers' (or, failing that, images') details as an indented
 * JSON array, or through a {@code --format} template. Names found neither way are reported on
 * stderr, exit 1.
 */
public final class InspectCmd extends VerbCommand {

    private final PositionalParamSpec names = names("NAME");
    private final OptionSpec at = option(String.class, "TIME",
            "Show the objects as the log says they were at this time (admins only)", "--at");
    private final OptionSpec format = option(String.class, "TEMPLATE",
            "Format output using a Go template ({{.State.Status}}, {{json .Config}}), or 'json'", "-f", "--format");

    public InspectCmd() {
        super("inspect", "Return low-level information on containers or images");
    }

    @Override
    public Integer call() throws IOException {
        InspectOutput output = InspectOutput.of(ArgSpecs.value(format));
        DaemonApi api = api();
        List<Object> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String query = new QueryString().addIfPresent("at", apiTime(ArgSpecs.value(at))).toString();
        for (String name : ArgSpecs.values(names)) {
            Map<String, Object> object = lookup(api, name, query);
            if (object == null) {
                missing.add(name);
            } else {
                found.add(object);
            }
        }
        boolean printed = output.print(found, out(), err(), verb());
        for (String name : missing) {
            err().println("Error: No such object: " + TerminalText.escape(name));
        }
        return missing.isEmpty() && printed ? 0 : ExitCodeMapper.GENERAL_FAILURE;
    }

    /** The container named so, else the image, else null. */
    private static Map<String, Object> lookup(DaemonApi api, String name, String query) throws IOException {
        try {
            return api.getObject(containerPath(name) + "/json" + query);
        } catch (DaemonErrorException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        try {
            return api.getObject("/images/" + QueryString.pathSegment(name) + "/json" + query);
        } catch (DaemonErrorException e) {
            if (e.status() != 404) {
                throw e;
            }
            return null;
        }
    }
}
