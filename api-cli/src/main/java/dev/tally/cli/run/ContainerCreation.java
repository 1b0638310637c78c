package dev.tally.cli.run;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.CliException;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.http.DaemonErrorException;
import dev.tally.cli.verbs.PullCmd;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code POST /containers/create}, with docker's messages for a missing image and for warnings. */
final class ContainerCreation {

    private ContainerCreation() {
    }

    /**
     * Creates the container and returns its full id. Warnings go to stderr.
     *
     * @throws CliException (exit 125) when the image does not exist locally and cannot be pulled
     *                      (docker's "Unable to find image" line and the pull's progress go to stderr)
     */
    static String create(DaemonApi api, PrintStream err, String name, Map<String, Object> body) throws IOException {
        String path = "/containers/create" + new QueryString().addIfPresent("name", name);
        Map<String, Object> created;
        try {
            created = api.postJson(path, body);
        } catch (DaemonErrorException e) {
            if (e.status() != 404 || !String.valueOf(e.getMessage()).contains("No such image")) {
                throw e;
            }
            String image = (String) body.get("Image");
            err.println("Unable to find image '" + TerminalText.escape(ImageReference.withDefaultTag(image)) + "' locally");
            try {
                PullCmd.pull(api, err, image, null, false);
            } catch (DaemonErrorException | CliException pullFailed) {
                throw new CliException(pullFailed.getMessage(), ExitCodeMapper.RUN_FAILURE);
            }
            created = api.postJson(path, body);
        }
        if (created.get("Warnings") instanceof List<?> warnings) {
            for (Object warning : warnings) {
                err.println("WARNING: " + warning);
            }
        }
        Object id = created.get("Id");
        if (id == null) {
            throw new CliException("the daemon did not return the new container's id", ExitCodeMapper.RUN_FAILURE);
        }
        return id.toString();
    }
}
