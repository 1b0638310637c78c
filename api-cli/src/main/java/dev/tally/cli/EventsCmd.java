package dev.tally.cli;

import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally events}: print daemon events as they happen; without --until it
 * streams until the daemon closes the connection or Ctrl-C.
 */
@Command(name = "events", description = "Get real time events from the server")
final class EventsCmd extends VerbCommand {

    @Option(names = "--since", paramLabel = "TIME", description = "Show all events created since timestamp")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Stream events until this timestamp")
    String until;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "Filter output based on conditions")
    List<String> filters = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        String query = new QueryString()
                .addIfPresent("since", apiTime(since))
                .addIfPresent("until", apiTime(until))
                .addIfPresent("filters", FilterArguments.toJson(filters))
                .toString();
        try (HttpResponse response = api().stream("GET", "/events" + query)) {
            JsonLines.forEach(response.body(), event -> {
                out().println(EventLine.format(event, root.clock().getZone()));
                out().flush();
            });
        }
        return 0;
    }
}
