package dev.tally.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tally wait}: block until each container stops, then print its exit code. */
@Command(name = "wait", description = "Block until one or more containers stop, then print their exit codes")
final class WaitCmd extends VerbCommand {

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        return forEachName(containers, name -> {
            try (HttpResponse response = api.stream("POST", containerPath(name) + "/wait")) {
                Map<String, Object> result = JSON.std.mapFrom(response.bodyText());
                out().println(result.get("StatusCode"));
            }
        });
    }
}
