package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import dev.tally.cli.run.StreamDemultiplexer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally logs}: print a container's output, stdout to stdout and stderr to
 * stderr; with -f keep following until the container stops or Ctrl-C.
 */
public final class LogsCmd extends VerbCommand {

    private final OptionSpec follow = flag("Follow log output", "-f", "--follow");
    private final OptionSpec tail = optionWithDefault("N", "all",
            "Number of lines to show from the end of the logs (default: all)", "-n", "--tail");
    private final OptionSpec since = option(String.class, "TIME",
            "Show logs since a timestamp or relative time (e.g. 10m)", "--since");
    private final OptionSpec until = option(String.class, "TIME",
            "Show logs before a timestamp or relative time", "--until");
    private final OptionSpec timestamps = flag("Show timestamps", "-t", "--timestamps");
    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER");

    public LogsCmd() {
        super("logs", "Fetch the logs of a container");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        Map<String, Object> details = api.getObject(containerPath(ArgSpecs.value(container)) + "/json");
        String id = String.valueOf(details.get("Id"));
        boolean tty = details.get("Config") instanceof Map<?, ?> config && Boolean.TRUE.equals(config.get("Tty"));
        String query = new QueryString()
                .add("stdout", "1").add("stderr", "1").add("tail", ArgSpecs.value(tail))
                .addFlag("follow", ArgSpecs.isSet(follow))
                .addFlag("timestamps", ArgSpecs.isSet(timestamps))
                .addIfPresent("since", apiTime(ArgSpecs.value(since)))
                .addIfPresent("until", apiTime(ArgSpecs.value(until)))
                .toString();
        try (HttpResponse response = api.stream("GET", containerPath(id) + "/logs" + query)) {
            InputStream body = response.body();
            if (tty) {
                byte[] buffer = new byte[8 * 1024];
                int n;
                while ((n = body.read(buffer)) >= 0) {
                    out().write(buffer, 0, n);
                    out().flush();
                }
            } else {
                StreamDemultiplexer.copy(body, out(), err());
            }
        }
        return 0;
    }
}
