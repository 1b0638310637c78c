package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.JsonLines;
import dev.tally.cli.format.TerminalText;
import dev.tally.cli.http.HttpResponse;
import dev.tally.cli.http.RequestBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tally load -i FILE}: images from a tar archive (Docker's, or an OCI layout), or from stdin. */
public final class LoadCmd extends VerbCommand {

    private static final String TAR = "application/x-tar";

    private final OptionSpec input = option(String.class, "FILE", "Read from tar archive file, instead of STDIN",
            "-i", "--input");
    private final OptionSpec quiet = flag("Suppress the load progress", "-q", "--quiet");

    public LoadCmd() {
        super("load", "Load images from a tar archive or STDIN");
    }

    @Override
    public Integer call() throws IOException {
        String file = ArgSpecs.value(input);
        RequestBody body;
        if (file == null) {
            if (io().terminal()) {
                throw new CliException("requested load from stdin, but stdin is empty", ExitCodeMapper.GENERAL_FAILURE);
            }
            body = RequestBody.ofStream(io().in(), TAR);
        } else {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new CliException("open " + file + ": no such file or directory", ExitCodeMapper.GENERAL_FAILURE);
            }
            body = RequestBody.ofFile(path, TAR);
        }
        boolean silent = ArgSpecs.isSet(quiet);
        try (HttpResponse response = api().stream("POST", "/images/load"
                + new QueryString().add("quiet", silent ? "1" : "0"), body)) {
            JsonLines.forEach(response.body(), message -> {
                failIfError(message);
                if (message.get("stream") != null) {
                    out().print(TerminalText.escape(message.get("stream").toString().stripTrailing()) + "\n");
                }
            });
        }
        out().flush();
        return 0;
    }

    private static void failIfError(Map<String, Object> message) {
        Object text = message.get("errorDetail") instanceof Map<?, ?> detail ? detail.get("message") : null;
        if (text == null) {
            text = message.get("error");
        }
        if (text != null) {
            throw new CliException(text.toString(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }
}
