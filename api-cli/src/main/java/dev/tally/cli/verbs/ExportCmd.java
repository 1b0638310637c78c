package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally export [-o FILE] CONTAINER}: a container's filesystem as a tar archive, or to stdout. */
public final class ExportCmd extends VerbCommand {

    private final OptionSpec output = option(String.class, "FILE", "Write to a file, instead of STDOUT", "-o", "--output");
    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER", "The container to export");

    public ExportCmd() {
        super("export", "Export a container's filesystem as a tar archive");
    }

    @Override
    public Integer call() throws IOException {
        String file = ArgSpecs.value(output);
        ArchiveOutput.check(file, io(), "export");
        String path = "/containers/" + QueryString.pathSegment(ArgSpecs.value(container)) + "/export";
        try (HttpResponse response = api().stream("GET", path)) {
            ArchiveOutput.write(response.body(), file, io());
        }
        return 0;
    }
}
