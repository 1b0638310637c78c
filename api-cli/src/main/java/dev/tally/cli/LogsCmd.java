package dev.tally.cli;

import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally logs}: print a container's output, stdout to stdout and stderr to
 * stderr; with -f keep following until the container stops or Ctrl-C.
 */
@Command(name = "logs", description = "Fetch the logs of a container")
final class LogsCmd extends VerbCommand {

    @Option(names = {"-f", "--follow"}, description = "Follow log output")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "all",
            description = "Number of lines to show from the end of the logs (default: all)")
    String tail;

    @Option(names = "--since", paramLabel = "TIME", description = "Show logs since a timestamp or relative time (e.g. 10m)")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Show logs before a timestamp or relative time")
    String until;

    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps")
    boolean timestamps;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        Map<String, Object> details = api.getObject(containerPath(container) + "/json");
        String id = String.valueOf(details.get("Id"));
        boolean tty = details.get("Config") instanceof Map<?, ?> config && Boolean.TRUE.equals(config.get("Tty"));
        String query = new QueryString()
                .add("stdout", "1").add("stderr", "1").add("tail", tail)
                .addFlag("follow", follow)
                .addFlag("timestamps", timestamps)
                .addIfPresent("since", apiTime(since))
                .addIfPresent("until", apiTime(until))
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
