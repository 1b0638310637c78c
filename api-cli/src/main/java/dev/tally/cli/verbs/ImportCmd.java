package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.JsonLines;
import dev.tally.cli.http.HttpResponse;
import dev.tally.cli.http.RequestBody;
import dev.tally.cli.run.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally import}: create an image from a root filesystem tarball (a file, or
 * {@code -} for stdin), streamed to the daemon, and print the new image's id.
 */
public final class ImportCmd extends VerbCommand {

    private static final String TAR = "application/x-tar";

    private final PositionalParamSpec sourceParameter = parameter("0", "1", "TAR", "Tarball path, or - for stdin");
    private final PositionalParamSpec referenceParameter =
            parameter("1", "0..1", "NAME[:TAG]", "Repository and tag for the image");

    public ImportCmd() {
        super("import", "Import the contents from a tarball to create a filesystem image");
    }

    @Override
    public Integer call() throws IOException {
        String source = ArgSpecs.value(sourceParameter);
        String reference = ArgSpecs.value(referenceParameter);
        RequestBody body;
        if (source.equals("-")) {
            body = RequestBody.ofStream(io().in(), TAR);
        } else {
            Path file = Path.of(source);
            if (!Files.isRegularFile(file)) {
                throw new CliException("open " + source + ": no such file", ExitCodeMapper.GENERAL_FAILURE);
            }
            body = RequestBody.ofFile(file, TAR);
        }
        QueryString query = new QueryString().add("fromSrc", "-");
        if (reference != null) {
            ImageReference image = ImageReference.parse(reference);
            query.add("repo", image.repository()).addIfPresent("tag", image.tag());
        }
        String[] lastStatus = {null};
        try (HttpResponse response = api().stream("POST", "/images/create" + query, body)) {
            JsonLines.forEach(response.body(), progress -> {
                failIfError(progress);
                if (progress.get("status") != null) {
                    lastStatus[0] = progress.get("status").toString();
                }
            });
        }
        if (lastStatus[0] == null) {
            throw new CliException("the daemon did not report the new image's id", ExitCodeMapper.GENERAL_FAILURE);
        }
        printLine(lastStatus[0]);
        return 0;
    }

    private static void failIfError(Map<String, Object> progress) {
        Object message = progress.get("errorDetail") instanceof Map<?, ?> detail ? detail.get("message") : null;
        if (message == null) {
            message = progress.get("error");
        }
        if (message != null) {
            throw new CliException(message.toString(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }
}
