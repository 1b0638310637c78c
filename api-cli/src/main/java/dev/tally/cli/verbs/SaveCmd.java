package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        if (file == null && io().terminal()) {
            throw new CliException("cowardly refusing to save to a terminal. Use the -o flag or redirect",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
        try (HttpResponse response = api().stream("GET", "/images/get" + query)) {
            if (file == null) {
                response.body().transferTo(io().out());
                io().out().flush();
                return 0;
            }
            Path target = Path.of(file).toAbsolutePath();
            Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
            try {
                try (OutputStream out = Files.newOutputStream(partial)) {
                    response.body().transferTo(out);
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        return 0;
    }
}
