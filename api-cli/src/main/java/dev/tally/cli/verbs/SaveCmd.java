package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally save -o FILE IMAGE...}: one or more images to a tar archive (Docker's format), or to stdout. */
public final class SaveCmd extends VerbCommand {

    private final OptionSpec output = option(String.class, "FILE", "Write to a file, instead of STDOUT", "-o", "--output");
    private final PositionalParamSpec images = names("IMAGE");

    public SaveCmd() {
        super("save", "Save one or more images to a tar archive (streamed to STDOUT by default)");
    }

    @Override
    public Integer call() throws IOException {
        List<String> names = ArgSpecs.values(images);
        QueryString query = new QueryString();
        names.forEach(n -> query.add("names", n));
        String file = ArgSpecs.value(output);
        ArchiveOutput.check(file, io(), "save");
        try (HttpResponse response = api().stream("GET", "/images/get" + query)) {
            ArchiveOutput.write(response.body(), file, io());
        }
        return 0;
    }
}
