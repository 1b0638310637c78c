package dev.tally.cli.verbs;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally wait}: block until each container stops, then print its exit code. */
public final class WaitCmd extends VerbCommand {

    private final PositionalParamSpec containers = names("CONTAINER");

    public WaitCmd() {
        super("wait", "Block until one or more containers stop, then print their exit codes");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        return forEachName(ArgSpecs.values(containers), name -> {
            try (HttpResponse response = api.stream("POST", containerPath(name) + "/wait")) {
                Map<String, Object> result = JSON.std.mapFrom(response.bodyText());
                out().println(result.get("StatusCode"));
            }
        });
    }
}
